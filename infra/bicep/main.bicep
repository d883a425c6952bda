targetScope = 'subscription'

// Finance integration platform: Azure Functions (Flex Consumption, Node.js 22) with
// Service Bus, Azure SQL, Azure Managed Redis, Blob Storage, Key Vault and Application
// Insights. Every connection from the app is identity-based (one user-assigned identity).
// azd runs scripts/postprovision.mjs after provisioning (SQL user, migrations, generated
// secrets); see docs/infrastructure.md.

// ---------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; hashed into a short unique token used in every resource name.')
param environmentName string

@minLength(1)
@description('Primary location for all resources. Pick a region that offers Flex Consumption, Azure Managed Redis and Azure SQL serverless.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Resource group name; defaults to rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object id of the user or service principal running azd. Gets Key Vault Secrets Officer (the postprovision hook writes the generated secrets) and is the default Azure SQL Entra administrator (the hook creates the app\'s database user and runs the migrations). When empty, no role is assigned and sqlAdminObjectId must be set.')
param principalId string = deployer().objectId

@description('Kind of principal in principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

// ---------------------------------------------------------------------------
// Optional name overrides
// ---------------------------------------------------------------------------

@description('Optional. Function App name override.')
param apiServiceName string = ''

@description('Optional. User-assigned identity name override.')
param apiUserAssignedIdentityName string = ''

@description('Optional. Flex Consumption plan name override.')
param appServicePlanName string = ''

@description('Optional. Storage account name override (3-24 lowercase letters and digits).')
param storageAccountName string = ''

@description('Optional. Service Bus namespace name override.')
param serviceBusNamespaceName string = ''

@description('Optional. Key Vault name override (3-24 characters).')
param keyVaultName string = ''

@description('Optional. Azure Managed Redis name override.')
param redisName string = ''

@description('Optional. Azure SQL logical server name override.')
param sqlServerName string = ''

@description('Optional. Log Analytics workspace name override.')
param logAnalyticsName string = ''

@description('Optional. Application Insights name override.')
param applicationInsightsName string = ''

@description('Optional. Virtual network name override.')
param virtualNetworkName string = ''

// ---------------------------------------------------------------------------
// Sizing
// ---------------------------------------------------------------------------

@description('Flex Consumption instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Maximum number of instances the Flex Consumption app scales out to. Each instance holds up to SAP_MAX_CONCURRENT_CALLS RFC connections, so SAP sees at most maximumInstanceCount x SAP_MAX_CONCURRENT_CALLS (10 x 10 = 100 by default); agree the product with the SAP basis team before raising either.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Storage replication SKU. The backups container keeps data for 7 years; use a zone/geo-redundant SKU where the region offers it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Apply the 7-year WORM policy on the backups container. Set to false after an operator has locked the policy (see docs/infrastructure.md); the policy itself stays.')
param applyBackupsImmutabilityPolicy bool = true

@description('Apply the WORM policy (INVOICES_ARCHIVE_RETENTION_DAYS) on the invoice originals container. Set to false after an operator has locked the policy (see docs/infrastructure.md); the policy itself stays.')
param applyInvoiceArchiveImmutabilityPolicy bool = true

@description('Azure Managed Redis SKU.')
param redisSkuName string = 'Balanced_B0'

@description('Azure SQL database name.')
param sqlDatabaseName string = 'finance'

@description('Azure SQL serverless SKU (General Purpose, Gen5).')
param sqlSkuName string = 'GP_S_Gen5'

@description('Azure SQL serverless maximum vCores (GP_S_Gen5_1 = 1).')
param sqlMaxVCores int = 1

@description('Azure SQL minutes of inactivity before auto-pause; -1 disables auto-pause.')
param sqlAutoPauseDelayMinutes int = 60

@description('Application Insights local (instrumentation-key-only) authentication off: ingestion then needs an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING for the host, a TokenCredential for the OpenTelemetry distro).')
param applicationInsightsDisableLocalAuth bool = true

@description('E-mail address the alert rules notify (Azure Monitor action group); empty = rules without a receiver. azd maps it from AZURE_ALERT_EMAIL.')
param alertEmailAddress string = ''

@description('Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---------------------------------------------------------------------------
// Azure SQL Entra administrator
// ---------------------------------------------------------------------------

@description('Object id of the Entra user, group or service principal that administers Azure SQL. Empty = principalId.')
param sqlAdminObjectId string = ''

@description('Login (display) name of the SQL Entra administrator, e.g. a UPN or group name. Empty = "sql-entra-admin".')
param sqlAdminLogin string = ''

@description('Kind of principal in sqlAdminObjectId: User, Group or Application. Empty = derived from principalType.')
@allowed([
  ''
  'User'
  'Group'
  'Application'
])
param sqlAdminPrincipalType string = ''

// ---------------------------------------------------------------------------
// Platform settings (app settings of the Function App)
// ---------------------------------------------------------------------------

@description('The app settings each system reads, one object per owner (foundation, sap, identity, gateway, billing, reports, backups, esg, ...), keyed by setting name. Generated into main.parameters.json from the code\'s settings slices by scripts/settings-files.mjs, each value mapped from the azd environment variable of the same name; names, defaults and meaning: docs/configuration.md. The app validates them at start-up. Settings computed from the resources below (Key Vault, SQL, Blob, Service Bus, Redis, Application Insights) are added in app/api.bicep.')
param systemSettings object

// ---------------------------------------------------------------------------
// Service Bus queues (generated from each system's <name>-queues.ts by scripts/catalog-files.mjs)
// ---------------------------------------------------------------------------

var serviceBusQueues = loadJsonContent('./queues.json')

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

// Every system's settings in one object, as the app reads them.
var platformSettings = reduce(items(systemSettings), {}, (merged, owner) => union(merged, owner.value))

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var functionAppName = !empty(apiServiceName) ? apiServiceName : '${abbrs.webSitesFunctions}api-${resourceToken}'
var identityName = !empty(apiUserAssignedIdentityName)
  ? apiUserAssignedIdentityName
  : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

var effectiveSqlAdminObjectId = !empty(sqlAdminObjectId) ? sqlAdminObjectId : principalId
var effectiveSqlAdminLogin = !empty(sqlAdminLogin) ? sqlAdminLogin : 'sql-entra-admin'
var effectiveSqlAdminPrincipalType = !empty(sqlAdminPrincipalType)
  ? sqlAdminPrincipalType
  : (principalType == 'ServicePrincipal' ? 'Application' : principalType)

// ---------------------------------------------------------------------------
// Resource group
// ---------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------
// Identity, monitoring, hosting plan (Azure Verified Modules)
// ---------------------------------------------------------------------------

// The one identity the app uses for storage, Service Bus, Key Vault, SQL and telemetry.
module apiUserAssignedIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.5.0' = {
  name: 'apiUserAssignedIdentity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.12.1' = {
  name: 'loganalytics'
  scope: rg
  params: {
    name: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: logRetentionDays
  }
}

module monitoring 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'monitoring'
  scope: rg
  params: {
    name: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: applicationInsightsDisableLocalAuth // true: ingestion only with an Entra token
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'appserviceplan'
  scope: rg
  params: {
    name: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true // Linux
    location: location
    tags: tags
  }
}

// ---------------------------------------------------------------------------
// Data and messaging
// ---------------------------------------------------------------------------

module network 'app/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    name: !empty(virtualNetworkName) ? virtualNetworkName : '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentStorageContainerName
    applyBackupsImmutabilityPolicy: applyBackupsImmutabilityPolicy
    backupsContainerName: platformSettings.BACKUPS_CONTAINER
    reportsContainerName: platformSettings.REPORTS_CONTAINER
    applyInvoiceArchiveImmutabilityPolicy: applyInvoiceArchiveImmutabilityPolicy
    invoiceArchiveContainerName: platformSettings.INVOICES_ARCHIVE_CONTAINER
    invoiceArchiveRetentionDays: int(platformSettings.INVOICES_ARCHIVE_RETENTION_DAYS)
    budgetFilesContainerName: platformSettings.BUDGETS_FILES_CONTAINER
    expenseImportsContainerName: platformSettings.ANALYTICS_IMPORTS_CONTAINER
    esgFilesContainerName: platformSettings.ESG_FILES_CONTAINER
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: !empty(serviceBusNamespaceName) ? serviceBusNamespaceName : '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    queues: serviceBusQueues
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
  }
}

module redis 'app/redis.bicep' = {
  name: 'redis'
  scope: rg
  params: {
    name: !empty(redisName) ? redisName : '${abbrs.cacheRedisEnterprise}${resourceToken}'
    location: location
    tags: tags
    skuName: redisSkuName
    appPrincipalId: apiUserAssignedIdentity.outputs.principalId
  }
}

module sql 'app/sql.bicep' = {
  name: 'sql'
  scope: rg
  params: {
    serverName: !empty(sqlServerName) ? sqlServerName : '${abbrs.sqlServers}${resourceToken}'
    databaseName: sqlDatabaseName
    location: location
    tags: tags
    adminObjectId: effectiveSqlAdminObjectId
    adminLogin: effectiveSqlAdminLogin
    adminPrincipalType: effectiveSqlAdminPrincipalType
    skuName: sqlSkuName
    maxVCores: sqlMaxVCores
    autoPauseDelayMinutes: sqlAutoPauseDelayMinutes
    appSubnetId: network.outputs.appSubnetId
  }
}

// ---------------------------------------------------------------------------
// Role assignments
// ---------------------------------------------------------------------------

module rbac 'app/rbac.bicep' = {
  name: 'rbacAssignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    serviceBusQueueNames: serviceBus.outputs.queueNames
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.name
    managedIdentityPrincipalId: apiUserAssignedIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// ---------------------------------------------------------------------------
// Alerts and workbook
// ---------------------------------------------------------------------------

module alerts 'app/monitoring.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    alertEmailAddress: alertEmailAddress
    applicationInsightsId: monitoring.outputs.resourceId
    serviceBusNamespaceId: serviceBus.outputs.id
  }
}

// ---------------------------------------------------------------------------
// Function App
// ---------------------------------------------------------------------------

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    serviceName: 'api'
    appServicePlanId: appServicePlan.outputs.resourceId
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: network.outputs.appSubnetId
    identityId: apiUserAssignedIdentity.outputs.resourceId
    identityClientId: apiUserAssignedIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    storagePrimaryBlobEndpoint: storage.outputs.primaryBlobEndpoint
    deploymentStorageContainerName: storage.outputs.deploymentContainerName
    blobServiceUrl: storage.outputs.blobServiceUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    redisUrl: redis.outputs.url
    sqlServerFqdn: sql.outputs.serverFqdn
    sqlDatabaseName: sql.outputs.databaseName
    platformSettings: platformSettings
  }
}

@description('Region of the web console\'s Static Web App (a Static Web Apps region; content is served from the edge).')
param consoleLocation string = 'westeurope'

module webConsole 'app/console.bicep' = {
  name: 'console'
  scope: rg
  params: {
    name: '${abbrs.webStaticSites}console-${resourceToken}'
    location: consoleLocation
    tags: tags
    functionAppResourceId: api.outputs.resourceId
    functionAppLocation: location
  }
}

// ---------------------------------------------------------------------------
// Outputs (azd stores them in .azure/<env>/.env)
// ---------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name

output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostname}'

output AZURE_MANAGED_IDENTITY_CLIENT_ID string = apiUserAssignedIdentity.outputs.clientId
output AZURE_MANAGED_IDENTITY_NAME string = apiUserAssignedIdentity.outputs.name
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = apiUserAssignedIdentity.outputs.principalId

output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URL string = keyVault.outputs.uri

output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output BLOB_SERVICE_URL string = storage.outputs.blobServiceUrl

output SERVICEBUS_NAMESPACE string = serviceBus.outputs.name
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace

output AZURE_SQL_SERVER string = sql.outputs.serverName
output AZURE_SQL_SERVER_FQDN string = sql.outputs.serverFqdn
output AZURE_SQL_DATABASE string = sql.outputs.databaseName

output REDIS_NAME string = redis.outputs.name
output REDIS_URL string = redis.outputs.url

output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output SERVICE_WEB_URI string = 'https://${webConsole.outputs.defaultHostname}'
