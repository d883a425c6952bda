targetScope = 'subscription'

// Finance integration platform: Azure Functions (Flex Consumption, Node.js 22) with
// Service Bus, Azure SQL, Azure Managed Redis, Blob Storage, Key Vault and Application
// Insights. Every connection from the app is identity-based (one user-assigned identity).
// See docs/infrastructure.md for deployment and the one-time operator steps.

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

@description('Object id of the user or service principal running azd. Gets Key Vault Secrets Officer (to set operator secrets) and is the default Azure SQL Entra administrator. When empty, no role is assigned and sqlAdminObjectId must be set.')
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

@description('Maximum number of instances the Flex Consumption app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

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
// Secrets written to Key Vault
// ---------------------------------------------------------------------------

@secure()
@minLength(32)
@description('HS256 JWT signing key (at least 32 characters), stored as the Key Vault secret jwt-signing-key. azd maps it from AZURE_JWT_SIGNING_KEY.')
param jwtSigningKey string

@secure()
@description('Optional bearer token (at least 16 characters) that may read /api/metrics, stored as metrics-scrape-token when not empty. azd maps it from AZURE_METRICS_SCRAPE_TOKEN.')
param metricsScrapeToken string = ''

@secure()
@description('AES-256 key of the ESG files (32 random bytes, base64: `openssl rand -base64 32`), stored as esg-file-encryption-key when not empty. azd maps it from AZURE_ESG_FILE_ENCRYPTION_KEY. Rotate by adding a new version only after old files are re-encrypted or past retention.')
param esgFileEncryptionKey string = ''

// ---------------------------------------------------------------------------
// Platform settings (app settings of the Function App)
// ---------------------------------------------------------------------------

@description('Lowest log level written.')
@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string = 'info'

@description('Seconds a secret read from Key Vault is cached in memory before it is fetched again.')
param secretCacheTtlSeconds string = '300'

@description('Token-bucket refill rate per user and endpoint (requests per minute).')
param rateLimitPerMinute string = '100'

@description('Token-bucket capacity per user and endpoint (requests allowed at once).')
param rateLimitBurst string = '20'

@description('Per-endpoint rate-limit overrides as a JSON object string keyed by function name, e.g. {"auth-login":{"perMinute":30,"burst":10}}.')
param rateLimitOverrides string = '{}'

@description('JWT issuer (iss) of the tokens the platform issues and accepts.')
param jwtIssuer string = 'finance-platform'

@description('JWT audience (aud) of the tokens the platform issues and accepts.')
param jwtAudience string = 'finance-platform-api'

@description('Access-token lifetime in seconds.')
param accessTokenTtlSeconds string = '900'

@description('Refresh-token lifetime in seconds.')
param refreshTokenTtlSeconds string = '604800'

@description('"true" opens POST /api/v1/auth/register to anyone (new users get the viewer role); "false" means admins create users.')
@allowed([
  'true'
  'false'
])
param authSelfRegistrationEnabled string = 'false'

@description('Failed logins allowed per username or client address before a lockout.')
param loginMaxFailures string = '5'

@description('Lockout duration in seconds after too many failed logins.')
param loginLockoutSeconds string = '900'

@description('Maximum accepted HTTP request body size in bytes; larger bodies get 413.')
param maxBodyBytes string = '1048576'

@description('NCRONTAB schedule (UTC) of the timer that deletes expired refresh tokens and stale login-throttle rows.')
param sessionPurgeSchedule string = '0 30 3 * * *'

@description('NCRONTAB schedule (UTC) of the job protocol sweeper, which sends the first message of a queued job whose send was lost.')
param jobSweepSchedule string = '15 * * * * *'

@description('PagerDuty Events API v2 endpoint; alerts go there as incidents when the Key Vault secret alert-pagerduty-routing-key is set.')
param alertPagerdutyEventsUrl string = 'https://events.pagerduty.com/v2/enqueue'

@description('Most account ids one manual run (POST /api/v1/esg/runs) may name.')
param esgManualMaxAccounts string = '1000'

@description('Alert when more than this percentage of a run\'s accounts failed (seed 001: 5).')
param esgFailureAlertPercent string = '5'

@description('Change tracking without an ETag: a rating fetched less than this many hours ago is reused without a call (0: always call). Ratings with an ETag are always checked with If-None-Match.')
param esgFullRefreshHours string = '0'

@description('Attempts per partner call (exponential backoff with jitter between them, Retry-After honoured) before the account is recorded Failed.')
param esgApiMaxAttempts string = '5'

@description('Timeout of one call to either partner API.')
param esgApiTimeoutMs string = '10000'

@description('ESG API calls in flight per batch worker (the host\'s Service Bus concurrency multiplies it).')
param esgApiConcurrency string = '16'

@description('Ceiling of ESG API requests per second, shared by every worker of every instance (through Redis); the client lowers it when the API answers 429 and climbs back to it.')
param esgApiRateLimitPerSecond string = '100'

@description('Accounts per esg-batches message: one worker rates one batch.')
param esgBatchSize string = '250'

@description('Accounts asked for per page of the Account Management System\'s list.')
param esgAccountsPageSize string = '1000'

@description('Scope requested with the OAuth client-credentials grant (optional).')
param esgOauthScope string = ''

@description('OAuth 2.0 token endpoint for the client-credentials grant when ESG_API_AUTH is oauth.')
param esgOauthTokenUrl string = ''

@description('Header carrying the API key when ESG_API_AUTH is api-key.')
param esgApiKeyHeader string = 'x-api-key'

@description('How both partner APIs authenticate the platform: api-key (secrets esg-accounts-api-key and esg-ratings-api-key in the ESG_API_KEY_HEADER header), oauth (client credentials: ESG_OAUTH_TOKEN_URL, secrets esg-oauth-client-id and esg-oauth-client-secret) or none.')
param esgApiAuth string = 'api-key'

@description('Base URL of the ESG Portfolio Analysis API (GET /v1/accounts/{id}/esg-ratings). Locally, when absent, the local host starts its simulator and sets it.')
param esgRatingsApiUrl string = ''

@description('Base URL of the Account Management System\'s REST API (GET /v1/accounts). Locally, when absent, the local host starts its simulator and sets it.')
param esgAccountsApiUrl string = ''

@description('Blob container of the encrypted ESG files.')
param esgFilesContainer string = 'esg-files'

@description('Days the per-account results of a run are kept in SQL (run history and summaries stay).')
param esgResultRetentionDays string = '90'

@description('Days an ESG file (with its error file and summary) is kept; the policy\'s minimum is 90 days, and a file is never removed sooner.')
param esgFileRetentionDays string = '2555'

@description('NCRONTAB schedule (UTC) of the timer that removes ESG files and per-account results past their retention.')
param esgRetentionSchedule string = '0 45 3 * * *'

@description('NCRONTAB schedule (UTC) of the ESG run monitor: window timeouts, forecast and failure-rate alerts, re-sending steps a crash left unsent.')
param esgMonitorSchedule string = '0 * * * * *'

@description('NCRONTAB schedule (UTC) of the watchdog that alerts when the daily ESG run has not started by the grace time.')
param esgWatchdogSchedule string = '0 */5 10-13 * * *'

@description('NCRONTAB schedule (UTC) of the timer that starts the daily ESG run; it must cover the local start in both UTC offsets (10:00 UTC in CDT, 11:00 UTC in CST). The run starts once per local day.')
param esgDailySchedule string = '0 */5 10,11 * * *'

@description('The watchdog alerts when the daily run has not started this long after the start time (05:15 by default).')
param esgStartGraceMinutes string = '15'

@description('The daily run\'s window: work unfinished this long after the start is stopped, the run is TIMED_OUT and the file is written with what finished (240 = 05:00 to 09:00).')
param esgWindowMinutes string = '240'

@description('Local start time (HH:MM, in ESG_TIME_ZONE) of the daily ESG run.')
param esgDailyStartTime string = '05:00'

@description('IANA time zone of the daily ESG run\'s start and window (seed 001: Central Time). Timers fire in UTC; the code decides when it is the local start.')
param esgTimeZone string = 'America/Chicago'

@description('Blob container for backups; in Azure it has versioning and a 2,555-day (7-year) time-based immutability policy, and the code never deletes or overwrites a backup.')
param backupsContainer string = 'backups'

@description('How far back the monthly verification re-reads completed backups.')
param backupVerifyLookbackDays string = '35'

@description('NCRONTAB schedule (UTC) of the monthly verification of recent backups (1st of the month, 04:00).')
param backupVerifySchedule string = '0 0 4 1 * *'

@description('NCRONTAB schedule (UTC) of the weekly full backup (Sunday 02:00 by default).')
param backupSchedule string = '0 0 2 * * 0'

@description('Blob container for generated reports.')
param reportsContainer string = 'reports'

@description('A report QUEUED or PROCESSING this long without progress is re-sent (or FAILED after REPORT_MAX_ATTEMPTS); longer than the report-requests lock duration.')
param reportStaleAfterSeconds string = '600'

@description('NCRONTAB schedule (UTC) of the timer that re-sends reports left QUEUED without a message and takes over reports stuck PROCESSING.')
param reportRequeueSchedule string = '30 * * * * *'

@description('Attempts at generating one report (retried with exponential backoff) before it ends FAILED.')
param reportMaxAttempts string = '4'

@description('Projects per checksum call in a full reconciliation pass: each RFC call covers one range, so no call runs long in SAP.')
param reconciliationRangeSize string = '100'

@description('NCRONTAB schedule (UTC) of the incremental SAP/SQL billing reconciliation (every 15 minutes by default).')
param billingReconciliationSchedule string = '0 */15 * * * *'

@description('How long a saga may stay IN_PROGRESS before the recovery timer takes it over (longer than SAP_RFC_TIMEOUT_MS, so a live request is never raced).')
param sagaStaleAfterSeconds string = '120'

@description('NCRONTAB schedule (UTC) of the timer that finishes or compensates billing sagas left IN_PROGRESS by a crash and retries COMPENSATION_FAILED ones.')
param sagaRecoverySchedule string = '0 * * * * *'

@description('Function module that returns billing checksums for a range of projects (IV_FROM, IV_TO, IV_DETAIL) or a list (IT_PROJECTS).')
param sapRfcFunctionBillingChecksums string = 'Z_BILLING_CHECKSUMS'

@description('Function module that lists projects whose billing changed in SAP since a timestamp (IV_SINCE), for incremental reconciliation.')
param sapRfcFunctionListBillingChanges string = 'Z_LIST_BILLING_CHANGES'

@description('Function module that reads a project\'s live billing entries (PROJECT_ID, IV_REFERENCE optional).')
param sapRfcFunctionReadBilling string = 'Z_READ_BILLING_DATA'

@description('Function module that reverses the posting made under a reference (IV_REFERENCE); the SAGA\'s compensation. Reversing twice must be a no-op.')
param sapRfcFunctionReverseBilling string = 'Z_REVERSE_BILLING'

@description('Function module that posts billing entries to a project (PROJECT_ID, IV_REFERENCE, IT_ENTRIES); the SAGA\'s SAP step. It must treat a repeated IV_REFERENCE as already posted.')
param sapRfcFunctionUpdateProject string = 'Z_UPDATE_PROJECT_DATA'

@description('How SAP is reached: node-rfc (a real system over RFC; needs the node-rfc package and SAP\'s NW RFC SDK, credentials from the sap-rfc-* secrets) or simulator (the seeded embedded SAP). Must be node-rfc in Azure.')
param sapAdapter string = 'node-rfc'

@description('Most RFC calls one instance runs against SAP at once (also the RFC connection pool size). Further calls wait up to SAP_ADMISSION_TIMEOUT_MS, then get 503 SAP_BUSY. SAP sees at most this times the maximum instance count.')
param sapMaxConcurrentCalls string = '10'

@description('How long a call waits for a free RFC slot before it is refused with 503 SAP_BUSY.')
param sapAdmissionTimeoutMs string = '3000'

@description('Deadline of one RFC call; past it the call is cancelled and counts as an SAP outage.')
param sapRfcTimeoutMs string = '15000'

@description('How often RFC_PING probes SAP (one instance per interval, the state shared through the cache). SAP going down or coming back is noticed within about two intervals.')
param sapHealthProbeIntervalSeconds string = '5'

@description('Consecutive failed RFC calls (communication, logon, timeout) that mark SAP down before the next probe does.')
param sapCircuitFailureThreshold string = '3'

@description('Function module that lists project headers by filter (IV_FILTER PEP | DEPT | ALL, IV_VALUE).')
param sapRfcFunctionListProjects string = 'Z_LIST_PROJECTS'

@description('Function module that reads one project with its WBS elements and resource plan (PROJECT_ID).')
param sapRfcFunctionReadProject string = 'Z_READ_PROJECT_DATA'

@description('Function module that reads people with hourly cost rates and capacity (IV_ABTEI optional).')
param sapRfcFunctionReadResources string = 'Z_READ_RESOURCES'

@description('Function module that reads cost-center plan and actuals for a fiscal year (IV_GJAHR, IV_ABTEI optional).')
param sapRfcFunctionReadCostCenterPlan string = 'Z_READ_COST_CENTER_PLAN'

@description('Lifetime of a cached merged project (project:{id}); every write to the project removes it sooner.')
param projectCacheTtlSeconds string = '300'

@description('SMTP server host for alert e-mail; empty disables e-mail alerts. The password is the Key Vault secret smtp-password.')
param smtpHost string = ''

@description('SMTP server port.')
param smtpPort string = '587'

@description('"true" for implicit TLS (usually port 465); "false" for STARTTLS (usually 587).')
@allowed([
  'true'
  'false'
])
param smtpSecure string = 'false'

@description('SMTP user name.')
param smtpUser string = ''

@description('Sender address of alert e-mails.')
param alertEmailFrom string = ''

@description('Recipient address(es) of alert e-mails, comma separated.')
param alertEmailTo string = ''

// ---------------------------------------------------------------------------
// Service Bus queues (single source of truth; tests read this block)
// ---------------------------------------------------------------------------

var serviceBusQueues = [
  { name: 'report-requests', maxDeliveryCount: 5, lockDuration: 'PT5M' }
  { name: 'backup-requests', maxDeliveryCount: 5, lockDuration: 'PT5M' }
  { name: 'task-completed', maxDeliveryCount: 10, lockDuration: 'PT1M' }
  { name: 'esg-batches', maxDeliveryCount: 5, lockDuration: 'PT5M' }
  { name: 'reconciliation-requests', maxDeliveryCount: 3, lockDuration: 'PT5M' }
]

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

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
module apiUserAssignedIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiUserAssignedIdentity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
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
    backupsContainerName: backupsContainer
    reportsContainerName: reportsContainer
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
    jwtSigningKey: jwtSigningKey
    metricsScrapeToken: metricsScrapeToken
    esgFileEncryptionKey: esgFileEncryptionKey
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
    keyVaultName: keyVault.outputs.name
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
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.name
    managedIdentityPrincipalId: apiUserAssignedIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
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
    logLevel: logLevel
    secretCacheTtlSeconds: secretCacheTtlSeconds
    rateLimitPerMinute: rateLimitPerMinute
    rateLimitBurst: rateLimitBurst
    rateLimitOverrides: rateLimitOverrides
    jwtIssuer: jwtIssuer
    jwtAudience: jwtAudience
    accessTokenTtlSeconds: accessTokenTtlSeconds
    refreshTokenTtlSeconds: refreshTokenTtlSeconds
    authSelfRegistrationEnabled: authSelfRegistrationEnabled
    loginMaxFailures: loginMaxFailures
    loginLockoutSeconds: loginLockoutSeconds
    maxBodyBytes: maxBodyBytes
    sessionPurgeSchedule: sessionPurgeSchedule
    jobSweepSchedule: jobSweepSchedule
    alertPagerdutyEventsUrl: alertPagerdutyEventsUrl
    esgManualMaxAccounts: esgManualMaxAccounts
    esgFailureAlertPercent: esgFailureAlertPercent
    esgFullRefreshHours: esgFullRefreshHours
    esgApiMaxAttempts: esgApiMaxAttempts
    esgApiTimeoutMs: esgApiTimeoutMs
    esgApiConcurrency: esgApiConcurrency
    esgApiRateLimitPerSecond: esgApiRateLimitPerSecond
    esgBatchSize: esgBatchSize
    esgAccountsPageSize: esgAccountsPageSize
    esgOauthScope: esgOauthScope
    esgOauthTokenUrl: esgOauthTokenUrl
    esgApiKeyHeader: esgApiKeyHeader
    esgApiAuth: esgApiAuth
    esgRatingsApiUrl: esgRatingsApiUrl
    esgAccountsApiUrl: esgAccountsApiUrl
    esgFilesContainer: esgFilesContainer
    esgResultRetentionDays: esgResultRetentionDays
    esgFileRetentionDays: esgFileRetentionDays
    esgRetentionSchedule: esgRetentionSchedule
    esgMonitorSchedule: esgMonitorSchedule
    esgWatchdogSchedule: esgWatchdogSchedule
    esgDailySchedule: esgDailySchedule
    esgStartGraceMinutes: esgStartGraceMinutes
    esgWindowMinutes: esgWindowMinutes
    esgDailyStartTime: esgDailyStartTime
    esgTimeZone: esgTimeZone
    backupsContainer: backupsContainer
    backupVerifyLookbackDays: backupVerifyLookbackDays
    backupVerifySchedule: backupVerifySchedule
    backupSchedule: backupSchedule
    reportsContainer: reportsContainer
    reportStaleAfterSeconds: reportStaleAfterSeconds
    reportRequeueSchedule: reportRequeueSchedule
    reportMaxAttempts: reportMaxAttempts
    reconciliationRangeSize: reconciliationRangeSize
    billingReconciliationSchedule: billingReconciliationSchedule
    sagaStaleAfterSeconds: sagaStaleAfterSeconds
    sagaRecoverySchedule: sagaRecoverySchedule
    sapRfcFunctionBillingChecksums: sapRfcFunctionBillingChecksums
    sapRfcFunctionListBillingChanges: sapRfcFunctionListBillingChanges
    sapRfcFunctionReadBilling: sapRfcFunctionReadBilling
    sapRfcFunctionReverseBilling: sapRfcFunctionReverseBilling
    sapRfcFunctionUpdateProject: sapRfcFunctionUpdateProject
    sapAdapter: sapAdapter
    sapMaxConcurrentCalls: sapMaxConcurrentCalls
    sapAdmissionTimeoutMs: sapAdmissionTimeoutMs
    sapRfcTimeoutMs: sapRfcTimeoutMs
    sapHealthProbeIntervalSeconds: sapHealthProbeIntervalSeconds
    sapCircuitFailureThreshold: sapCircuitFailureThreshold
    sapRfcFunctionListProjects: sapRfcFunctionListProjects
    sapRfcFunctionReadProject: sapRfcFunctionReadProject
    sapRfcFunctionReadResources: sapRfcFunctionReadResources
    sapRfcFunctionReadCostCenterPlan: sapRfcFunctionReadCostCenterPlan
    projectCacheTtlSeconds: projectCacheTtlSeconds
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpSecure: smtpSecure
    smtpUser: smtpUser
    alertEmailFrom: alertEmailFrom
    alertEmailTo: alertEmailTo
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
