// The virtual network the Function App joins (regional VNet integration), so Azure SQL can
// admit the app by subnet (a virtual network rule over the Microsoft.Sql service endpoint)
// instead of the allow-all-Azure firewall rule. No private endpoint or private DNS zone is
// needed for that; the subnet is delegated to Microsoft.App/environments as Flex
// Consumption requires.

@description('Virtual network name.')
param name string

@description('Location of the network.')
param location string = resourceGroup().location

@description('Tags applied to the network.')
param tags object = {}

@description('Address space of the network.')
param addressPrefix string = '10.40.0.0/16'

@description('Address range of the app\'s integration subnet (Flex Consumption needs at least a /27; /24 leaves room to scale).')
param appSubnetPrefix string = '10.40.1.0/24'

var appSubnetName = 'app'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          serviceEndpoints: [
            {
              service: 'Microsoft.Sql'
            }
          ]
        }
      }
    ]
  }
}

output name string = vnet.name
@description('Resource id of the app\'s integration subnet.')
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
