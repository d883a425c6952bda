// Storage account for the Functions host (AzureWebJobsStorage), the Flex Consumption
// deployment package and the application's blob containers.
// Shared-key access is disabled: every client (host, deployment, app) uses Entra ID.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Location of the storage account.')
param location string = resourceGroup().location

@description('Tags applied to the storage account.')
param tags object = {}

@description('Replication SKU. Backups are kept for 7 years: prefer a zone- or geo-redundant SKU where the region offers it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_LRS'

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Apply the backups immutability policy. Set to false once the policy has been locked by an operator: a locked policy can only be extended, and a redeploy of the same policy may then be refused. The policy stays in place when this is false.')
param applyBackupsImmutabilityPolicy bool = true

@description('Apply the invoice archive immutability policy. Set to false once the policy has been locked by an operator (as for backups); the policy stays in place when this is false.')
param applyInvoiceArchiveImmutabilityPolicy bool = true

@description('Days after which non-current blob versions are deleted in the containers that are not WORM-protected (deployment package, reports, esg-files).')
@minValue(1)
param noncurrentVersionRetentionDays int = 30

@description('Container for backups (the app setting BACKUPS_CONTAINER): versioned, 7-year WORM.')
param backupsContainerName string = 'backups'

@description('Container for generated reports (the app setting REPORTS_CONTAINER).')
param reportsContainerName string = 'reports'

@description('Container for the received UBL invoice originals (the app setting INVOICES_ARCHIVE_CONTAINER): write once, WORM for invoiceArchiveRetentionDays.')
param invoiceArchiveContainerName string = 'invoice-originals'

@description('Days each archived UBL original stays immutable (the app setting INVOICES_ARCHIVE_RETENTION_DAYS; 3650 = 10 years, the Belgian retention period for invoices).')
@minValue(365)
@maxValue(36500)
param invoiceArchiveRetentionDays int = 3650

@description('Container for analyzed budget files kept for their import (the app setting BUDGETS_FILES_CONTAINER); payroll files are never stored.')
param budgetFilesContainerName string = 'budget-files'

@description('Container for uploaded expense files kept for their queued import (the app setting ANALYTICS_IMPORTS_CONTAINER).')
param expenseImportsContainerName string = 'expense-imports'

@description('Container for the daily ESG files (the app setting ESG_FILES_CONTAINER).')
param esgFilesContainerName string = 'esg-files'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // Entra ID only (host, deployment and app use the managed identity)
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 30
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 30
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Weekly database backups: write once, keep 7 years (see docs/infrastructure.md before locking).
resource backupsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: backupsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource backupsImmutabilityPolicy 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (applyBackupsImmutabilityPolicy) {
  parent: backupsContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: 2555 // 7 years
    allowProtectedAppendWrites: false
  }
}

// Received UBL invoice originals, the source of replays: the app uploads each once
// (create-only, never overwrite) and no one can change or delete it before its retention ends.
resource invoiceArchiveContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: invoiceArchiveContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource invoiceArchiveImmutabilityPolicy 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (applyInvoiceArchiveImmutabilityPolicy) {
  parent: invoiceArchiveContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: invoiceArchiveRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource reportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: reportsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource budgetFilesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: budgetFilesContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource expenseImportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: expenseImportsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource esgFilesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: esgFilesContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Versioning is on for the whole account; without this rule every redeploy of the
// package and every rewritten report would keep its old versions forever.
resource lifecyclePolicy 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          enabled: true
          name: 'expire-noncurrent-versions'
          type: 'Lifecycle'
          definition: {
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: noncurrentVersionRetentionDays
                }
              }
            }
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${deploymentContainerName}/'
                '${reportsContainerName}/'
                '${esgFilesContainerName}/'
              ]
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    blobService
  ]
}

output name string = storageAccount.name
output id string = storageAccount.id
@description('Primary blob endpoint, with a trailing slash.')
output primaryBlobEndpoint string = storageAccount.properties.primaryEndpoints.blob
@description('Blob service URL without a trailing slash, e.g. https://<account>.blob.core.windows.net')
output blobServiceUrl string = 'https://${storageAccount.name}.blob.${environment().suffixes.storage}'
output deploymentContainerName string = deploymentContainer.name
output backupsContainerName string = backupsContainer.name
output invoiceArchiveContainerName string = invoiceArchiveContainer.name
output reportsContainerName string = reportsContainer.name
output esgFilesContainerName string = esgFilesContainer.name
