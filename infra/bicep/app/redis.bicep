// Azure Managed Redis (Microsoft.Cache/redisEnterprise). Azure Cache for Redis
// (Microsoft.Cache/redis) is being retired and is deliberately not used.
// Entra ID only: access keys are disabled and the app's managed identity gets the
// `default` access policy; the app authenticates with a token (REDIS_AUTH=entra), user name
// = the identity's object id, and re-authenticates before the token expires.

@description('Azure Managed Redis cluster name.')
param name string

@description('Location of the cluster.')
param location string = resourceGroup().location

@description('Tags applied to the cluster.')
param tags object = {}

@description('Azure Managed Redis SKU.')
param skuName string = 'Balanced_B0'

@description('Object (principal) id of the managed identity that may use the database.')
param appPrincipalId string

resource redisCluster 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
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
resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redisCluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted' // TLS only: clients connect with rediss://
    port: 10000 // the Azure Managed Redis TLS port
    // EnterpriseCluster exposes one endpoint to a non-cluster client (ioredis `new Redis(url)`);
    // OSSCluster would require a cluster-aware client. Fixed at creation time.
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction' // rate-limit buckets and locks must not be evicted silently
    accessKeysAuthentication: 'Disabled' // Entra ID only
  }
}

// The built-in `default` access policy (all data commands) for the app's identity.
resource appAccessPolicy 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01' = {
  parent: redisDatabase
  name: guid(redisDatabase.id, appPrincipalId, 'default')
  properties: {
    accessPolicyName: 'default'
    user: {
      objectId: appPrincipalId
    }
  }
}

output name string = redisCluster.name
output hostName string = redisCluster.properties.hostName
output port int = 10000
@description('Connection URL without credentials (the app signs in with its managed identity).')
output url string = 'rediss://${redisCluster.properties.hostName}:10000'
