// Azure Managed Redis (Microsoft.Cache/redisEnterprise). Azure Cache for Redis
// (Microsoft.Cache/redis) is being retired and is deliberately not used.
// The database access key goes straight into Key Vault (secret redis-password);
// it never appears in app settings or deployment outputs.

@description('Azure Managed Redis cluster name.')
param name string

@description('Location of the cluster.')
param location string = resourceGroup().location

@description('Tags applied to the cluster.')
param tags object = {}

@description('Azure Managed Redis SKU.')
param skuName string = 'Balanced_B0'

@description('Name of the existing Key Vault that receives the redis-password secret.')
param keyVaultName string

resource redisCluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
  }
}

// Azure Managed Redis supports a single database, and it must be named 'default'.
resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: redisCluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted' // TLS only: clients connect with rediss://
    port: 10000 // the Azure Managed Redis TLS port
    // EnterpriseCluster exposes one endpoint to a non-cluster client (ioredis `new Redis(url)`);
    // OSSCluster would require a cluster-aware client. Fixed at creation time.
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction' // rate-limit buckets and locks must not be evicted silently
    accessKeysAuthentication: 'Enabled' // the new-database default is Disabled; the app authenticates with the key
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource redisPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'redis-password'
  properties: {
    value: redisDatabase.listKeys().primaryKey
    contentType: 'text/plain'
  }
}

output name string = redisCluster.name
output hostName string = redisCluster.properties.hostName
output port int = 10000
@description('Connection URL without credentials; the password is the Key Vault secret redis-password.')
output url string = 'rediss://${redisCluster.properties.hostName}:10000'
