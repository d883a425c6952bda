// Azure SQL logical server with Microsoft Entra-only authentication and one
// General Purpose serverless database. No SQL logins or passwords exist anywhere:
// the app connects as its user-assigned managed identity, whose contained user the
// postprovision hook creates (scripts/postprovision.mjs). The app is admitted by its
// VNet-integration subnet (virtual network rule), not by the allow-all-Azure firewall rule;
// the hook opens the deployer's own IP for the duration of its run only.

@description('Logical server name.')
param serverName string

@description('Database name.')
param databaseName string

@description('Location of the server and database.')
param location string = resourceGroup().location

@description('Tags applied to the server and database.')
param tags object = {}

@description('Object id (SID) of the Entra principal that administers the server.')
param adminObjectId string

@description('Display/login name of the Entra administrator (UPN, group or application name).')
param adminLogin string

@description('Kind of Entra principal in adminObjectId: User, Group or Application.')
param adminPrincipalType string = 'User'

@description('Serverless SKU name, e.g. GP_S_Gen5 (General Purpose, serverless, Gen5).')
param skuName string = 'GP_S_Gen5'

@description('Maximum vCores of the serverless database.')
param maxVCores int = 1

@description('Minutes of inactivity before the database pauses; -1 disables auto-pause.')
param autoPauseDelayMinutes int = 60

@description('Resource id of the subnet the Function App is integrated into (service endpoint Microsoft.Sql).')
param appSubnetId string

@description('Maximum data size in bytes.')
param maxSizeBytes int = 34359738368 // 32 GB

resource sqlServer 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true // no SQL authentication at all
      login: adminLogin
      sid: adminObjectId
      principalType: adminPrincipalType
      tenantId: tenant().tenantId
    }
  }
}

// Only the app's subnet. No "Allow Azure services" (0.0.0.0) rule: that would admit
// every Azure tenant's resources, leaving Entra authentication as the only barrier.
resource appSubnetRule 'Microsoft.Sql/servers/virtualNetworkRules@2023-08-01' = {
  parent: sqlServer
  name: 'function-app-subnet'
  properties: {
    virtualNetworkSubnetId: appSubnetId
    ignoreMissingVnetServiceEndpoint: false
  }
}

resource sqlDatabase 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: sqlServer
  name: databaseName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: maxVCores
  }
  properties: {
    autoPauseDelay: autoPauseDelayMinutes
    minCapacity: json('0.5')
    maxSizeBytes: maxSizeBytes
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    zoneRedundant: false
  }
}

output serverName string = sqlServer.name
@description('Server FQDN, e.g. sql-xxxx.database.windows.net')
output serverFqdn string = sqlServer.properties.fullyQualifiedDomainName
output databaseName string = sqlDatabase.name
