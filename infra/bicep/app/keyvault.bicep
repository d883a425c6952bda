// Key Vault (RBAC authorization) holding the secrets the app reads at run time through the SDK.
// Created here: jwt-signing-key; metrics-scrape-token and esg-file-encryption-key (only when a value is given).
// Created by redis.bicep: redis-password.
// Set by operators by hand: smtp-password, alert-slack-webhook-url, alert-webhook-url,
// alert-pagerduty-routing-key, esg-file-encryption-previous-keys (after a rotation), esg-accounts-api-key, esg-ratings-api-key (or esg-oauth-client-id
// and esg-oauth-client-secret).

@description('Key Vault name (3-24 characters).')
param name string

@description('Location of the vault.')
param location string = resourceGroup().location

@description('Tags applied to the vault.')
param tags object = {}

@secure()
@minLength(32)
@description('HMAC key used to sign the platform\'s JWTs; stored as the secret jwt-signing-key.')
param jwtSigningKey string

@secure()
@description('Bearer token the metrics scraper must present (at least 16 characters); stored as metrics-scrape-token when not empty.')
param metricsScrapeToken string = ''

@secure()
@description('AES-256 key of the ESG files, 32 random bytes base64; stored as esg-file-encryption-key when not empty.')
param esgFileEncryptionKey string = ''

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

resource jwtSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'jwt-signing-key'
  properties: {
    value: jwtSigningKey
    contentType: 'text/plain'
  }
}

resource metricsScrapeTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(metricsScrapeToken)) {
  parent: keyVault
  name: 'metrics-scrape-token'
  properties: {
    value: metricsScrapeToken
    contentType: 'text/plain'
  }
}

resource esgFileEncryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(esgFileEncryptionKey)) {
  parent: keyVault
  name: 'esg-file-encryption-key'
  properties: {
    value: esgFileEncryptionKey
    contentType: 'text/plain'
  }
}

output name string = keyVault.name
output id string = keyVault.id
@description('Vault URI, e.g. https://kv-xxxx.vault.azure.net/')
output uri string = keyVault.properties.vaultUri
