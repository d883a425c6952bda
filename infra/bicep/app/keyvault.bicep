// Key Vault (RBAC authorization) holding the secrets the app reads at run time through the SDK.
// No secret value passes through Bicep: the postprovision hook (scripts/postprovision.mjs)
// generates the ones that can be generated, and operators set the others; the list, with who
// sets each, is generated into docs/infrastructure.md from the settings slices.

@description('Key Vault name (3-24 characters).')
param name string

@description('Location of the vault.')
param location string = resourceGroup().location

@description('Tags applied to the vault.')
param tags object = {}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true // access through role assignments only, no access policies
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = keyVault.name
output id string = keyVault.id
@description('Vault URI, e.g. https://kv-xxxx.vault.azure.net/')
output uri string = keyVault.properties.vaultUri
