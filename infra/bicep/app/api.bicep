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

@description('Maximum number of instances.')
param maximumInstanceCount int = 100

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

// ---- Platform settings (values and descriptions: main.bicep parameters; the app's
// list of settings is shared/config/settings.ts, scope "platform") ----
param logLevel string
param secretCacheTtlSeconds string
param rateLimitPerMinute string
param rateLimitBurst string
param rateLimitOverrides string
param jwtIssuer string
param jwtAudience string
param accessTokenTtlSeconds string
param refreshTokenTtlSeconds string
param authSelfRegistrationEnabled string
param loginMaxFailures string
param loginLockoutSeconds string
param maxBodyBytes string
param sessionPurgeSchedule string
param jobSweepSchedule string
param alertPagerdutyEventsUrl string
param esgManualMaxAccounts string
param esgFailureAlertPercent string
param esgFullRefreshHours string
param esgApiMaxAttempts string
param esgApiTimeoutMs string
param esgApiConcurrency string
param esgApiRateLimitPerSecond string
param esgBatchSize string
param esgAccountsPageSize string
param esgOauthScope string
param esgOauthTokenUrl string
param esgApiKeyHeader string
param esgApiAuth string
param esgRatingsApiUrl string
param esgAccountsApiUrl string
param esgFilesContainer string
param esgResultRetentionDays string
param esgFileRetentionDays string
param esgRetentionSchedule string
param esgMonitorSchedule string
param esgWatchdogSchedule string
param esgDailySchedule string
param esgStartGraceMinutes string
param esgWindowMinutes string
param esgDailyStartTime string
param esgTimeZone string
param backupsContainer string
param backupVerifyLookbackDays string
param backupVerifySchedule string
param backupSchedule string
param reportsContainer string
param reportStaleAfterSeconds string
param reportRequeueSchedule string
param reportMaxAttempts string
param reconciliationRangeSize string
param billingReconciliationSchedule string
param sagaStaleAfterSeconds string
param sagaRecoverySchedule string
param sapRfcFunctionBillingChecksums string
param sapRfcFunctionListBillingChanges string
param sapRfcFunctionReadBilling string
param sapRfcFunctionReverseBilling string
param sapRfcFunctionUpdateProject string
param sapAdapter string
param sapMaxConcurrentCalls string
param sapAdmissionTimeoutMs string
param sapRfcTimeoutMs string
param sapHealthProbeIntervalSeconds string
param sapCircuitFailureThreshold string
param sapRfcFunctionListProjects string
param sapRfcFunctionReadProject string
param sapRfcFunctionReadResources string
param sapRfcFunctionReadCostCenterPlan string
param projectCacheTtlSeconds string
param smtpHost string
param smtpPort string
param smtpSecure string
param smtpUser string
param alertEmailFrom string
param alertEmailTo string

// Passwordless: tedious authenticates as the user-assigned identity (User Id = its client id).
var sqlConnectionString = 'Server=tcp:${sqlServerFqdn},1433;Database=${sqlDatabaseName};Authentication=Active Directory Managed Identity;User Id=${identityClientId};Encrypt=true'

var appSettings = {
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

  // -- Platform settings read by the app's config schema --
  LOG_LEVEL: logLevel
  KEY_VAULT_URL: keyVaultUri
  SECRET_CACHE_TTL_SECONDS: secretCacheTtlSeconds
  SQL_CONNECTION_STRING: sqlConnectionString
  BLOB_SERVICE_URL: blobServiceUrl
  REDIS_URL: redisUrl
  RATE_LIMIT_PER_MINUTE: rateLimitPerMinute
  RATE_LIMIT_BURST: rateLimitBurst
  RATE_LIMIT_OVERRIDES: rateLimitOverrides
  JWT_ISSUER: jwtIssuer
  JWT_AUDIENCE: jwtAudience
  ACCESS_TOKEN_TTL_SECONDS: accessTokenTtlSeconds
  REFRESH_TOKEN_TTL_SECONDS: refreshTokenTtlSeconds
  AUTH_SELF_REGISTRATION_ENABLED: authSelfRegistrationEnabled
  LOGIN_MAX_FAILURES: loginMaxFailures
  LOGIN_LOCKOUT_SECONDS: loginLockoutSeconds
  MAX_BODY_BYTES: maxBodyBytes
  SESSION_PURGE_SCHEDULE: sessionPurgeSchedule
  JOB_SWEEP_SCHEDULE: jobSweepSchedule
  ALERT_PAGERDUTY_EVENTS_URL: alertPagerdutyEventsUrl
  ESG_MANUAL_MAX_ACCOUNTS: esgManualMaxAccounts
  ESG_FAILURE_ALERT_PERCENT: esgFailureAlertPercent
  ESG_FULL_REFRESH_HOURS: esgFullRefreshHours
  ESG_API_MAX_ATTEMPTS: esgApiMaxAttempts
  ESG_API_TIMEOUT_MS: esgApiTimeoutMs
  ESG_API_CONCURRENCY: esgApiConcurrency
  ESG_API_RATE_LIMIT_PER_SECOND: esgApiRateLimitPerSecond
  ESG_BATCH_SIZE: esgBatchSize
  ESG_ACCOUNTS_PAGE_SIZE: esgAccountsPageSize
  ESG_OAUTH_SCOPE: esgOauthScope
  ESG_OAUTH_TOKEN_URL: esgOauthTokenUrl
  ESG_API_KEY_HEADER: esgApiKeyHeader
  ESG_API_AUTH: esgApiAuth
  ESG_RATINGS_API_URL: esgRatingsApiUrl
  ESG_ACCOUNTS_API_URL: esgAccountsApiUrl
  ESG_FILES_CONTAINER: esgFilesContainer
  ESG_RESULT_RETENTION_DAYS: esgResultRetentionDays
  ESG_FILE_RETENTION_DAYS: esgFileRetentionDays
  ESG_RETENTION_SCHEDULE: esgRetentionSchedule
  ESG_MONITOR_SCHEDULE: esgMonitorSchedule
  ESG_WATCHDOG_SCHEDULE: esgWatchdogSchedule
  ESG_DAILY_SCHEDULE: esgDailySchedule
  ESG_START_GRACE_MINUTES: esgStartGraceMinutes
  ESG_WINDOW_MINUTES: esgWindowMinutes
  ESG_DAILY_START_TIME: esgDailyStartTime
  ESG_TIME_ZONE: esgTimeZone
  BACKUPS_CONTAINER: backupsContainer
  BACKUP_VERIFY_LOOKBACK_DAYS: backupVerifyLookbackDays
  BACKUP_VERIFY_SCHEDULE: backupVerifySchedule
  BACKUP_SCHEDULE: backupSchedule
  REPORTS_CONTAINER: reportsContainer
  REPORT_STALE_AFTER_SECONDS: reportStaleAfterSeconds
  REPORT_REQUEUE_SCHEDULE: reportRequeueSchedule
  REPORT_MAX_ATTEMPTS: reportMaxAttempts
  RECONCILIATION_RANGE_SIZE: reconciliationRangeSize
  BILLING_RECONCILIATION_SCHEDULE: billingReconciliationSchedule
  SAGA_STALE_AFTER_SECONDS: sagaStaleAfterSeconds
  SAGA_RECOVERY_SCHEDULE: sagaRecoverySchedule
  SAP_RFC_FUNCTION_BILLING_CHECKSUMS: sapRfcFunctionBillingChecksums
  SAP_RFC_FUNCTION_LIST_BILLING_CHANGES: sapRfcFunctionListBillingChanges
  SAP_RFC_FUNCTION_READ_BILLING: sapRfcFunctionReadBilling
  SAP_RFC_FUNCTION_REVERSE_BILLING: sapRfcFunctionReverseBilling
  SAP_RFC_FUNCTION_UPDATE_PROJECT: sapRfcFunctionUpdateProject
  SAP_ADAPTER: sapAdapter
  SAP_MAX_CONCURRENT_CALLS: sapMaxConcurrentCalls
  SAP_ADMISSION_TIMEOUT_MS: sapAdmissionTimeoutMs
  SAP_RFC_TIMEOUT_MS: sapRfcTimeoutMs
  SAP_HEALTH_PROBE_INTERVAL_SECONDS: sapHealthProbeIntervalSeconds
  SAP_CIRCUIT_FAILURE_THRESHOLD: sapCircuitFailureThreshold
  SAP_RFC_FUNCTION_LIST_PROJECTS: sapRfcFunctionListProjects
  SAP_RFC_FUNCTION_READ_PROJECT: sapRfcFunctionReadProject
  SAP_RFC_FUNCTION_READ_RESOURCES: sapRfcFunctionReadResources
  SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN: sapRfcFunctionReadCostCenterPlan
  PROJECT_CACHE_TTL_SECONDS: projectCacheTtlSeconds
  SMTP_HOST: smtpHost
  SMTP_PORT: smtpPort
  SMTP_SECURE: smtpSecure
  SMTP_USER: smtpUser
  ALERT_EMAIL_FROM: alertEmailFrom
  ALERT_EMAIL_TO: alertEmailTo
}

module functionApp 'br/public:avm/res/web/site:0.15.1' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: appServicePlanId
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
    appSettingsKeyValuePairs: appSettings
  }
}

output name string = functionApp.outputs.name
output defaultHostname string = functionApp.outputs.defaultHostname
