// The Function App (Flex Consumption, Node.js 22, v4 programming model) and its app settings.
//
// Flex Consumption rejects the classic worker-runtime, Node-version, run-from-package,
// extension-version and content-share settings (listed in docs/infrastructure.md); never
// add them here. Runtime and version live in functionAppConfig.runtime, the package
// location in functionAppConfig.deployment.

@description('Function App name.')
param name string

@description('Location of the Function App.')
param location string = resourceGroup().location

@description('Tags applied to the Function App (azd-service-name is added here).')
param tags object = {}

@description('azd service name from azure.yaml; azd finds the app through the azd-service-name tag.')
param serviceName string = 'api'

@description('Resource id of the FC1 (Flex Consumption) plan.')
param appServicePlanId string

@description('Instance memory size in MB.')
param instanceMemoryMB int = 2048

@description('Maximum number of instances (each holds up to SAP_MAX_CONCURRENT_CALLS RFC connections).')
param maximumInstanceCount int = 10

@description('Resource id of the subnet the app joins (regional VNet integration; Azure SQL admits this subnet).')
param virtualNetworkSubnetId string

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string

@description('Client id of the app\'s user-assigned managed identity.')
param identityClientId string

@description('Storage account used for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Primary blob endpoint of that account, with a trailing slash.')
param storagePrimaryBlobEndpoint string

@description('Blob container holding the deployment package.')
param deploymentStorageContainerName string

@description('Blob service URL given to the app (no trailing slash).')
param blobServiceUrl string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Key Vault URI.')
param keyVaultUri string

@description('Service Bus fully qualified namespace, e.g. sb-xxxx.servicebus.windows.net')
param serviceBusFullyQualifiedNamespace string

@description('Redis URL without credentials, e.g. rediss://host:10000')
param redisUrl string

@description('Azure SQL server FQDN.')
param sqlServerFqdn string

@description('Azure SQL database name.')
param sqlDatabaseName string

@description('Every system\'s app settings by name (main.bicep merges main.parameters.json\'s systemSettings; docs/configuration.md lists them). The settings computed from resources are added below and win.')
param platformSettings object

// Passwordless: tedious authenticates as the user-assigned identity (User Id = its client id).
var sqlConnectionString = 'Server=tcp:${sqlServerFqdn},1433;Database=${sqlDatabaseName};Authentication=Active Directory Managed Identity;User Id=${identityClientId};Encrypt=true'

var wiredSettings = {
  // -- Functions host storage, identity-based (no connection string, no account key) --
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId

  // -- Service Bus trigger/output connection (connection name ServiceBusConnection__*), identity-based --
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId

  // -- DefaultAzureCredential in the SDKs (Key Vault, Blob, Service Bus senders) picks this identity --
  AZURE_CLIENT_ID: identityClientId

  // -- Telemetry: App Insights has local auth disabled, so ingestion is Entra-authenticated --
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

  // -- Platform settings computed from the resources (`azure: 'wired'` in the settings slices) --
  KEY_VAULT_URL: keyVaultUri
  SQL_CONNECTION_STRING: sqlConnectionString
  BLOB_SERVICE_URL: blobServiceUrl
  REDIS_URL: redisUrl
}

module functionApp 'br/public:avm/res/web/site:0.15.1' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: appServicePlanId
    virtualNetworkSubnetId: virtualNetworkSubnetId
    // All outbound traffic leaves through the subnet, so calls to Azure SQL's public endpoint
    // carry the subnet's service endpoint and match the server's virtual network rule.
    vnetRouteAllEnabled: true
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storagePrimaryBlobEndpoint}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    appSettingsKeyValuePairs: union(platformSettings, wiredSettings)
  }
}

output name string = functionApp.outputs.name
output defaultHostname string = functionApp.outputs.defaultHostname
output resourceId string = functionApp.outputs.resourceId
