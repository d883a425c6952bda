// All role assignments, by built-in role-definition GUID (the same in every tenant), as
// listed in ../roles.json: the one catalogue docs/infrastructure.md is generated from.
// The app's user-assigned identity gets data-plane roles only, Service Bus per queue; the
// optional deployer principal gets Key Vault Secrets Officer so the postprovision hook can
// write the generated secrets.

@description('Storage account used by the host and the app.')
param storageAccountName string

@description('Service Bus namespace.')
param serviceBusNamespaceName string

@description('Service Bus queues the app sends to and is triggered by (each gets its own assignments).')
param serviceBusQueueNames string[]

@description('Key Vault.')
param keyVaultName string

@description('Application Insights component.')
param applicationInsightsName string

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param managedIdentityPrincipalId string

@description('Object id of the user or service principal running azd; empty skips its assignments.')
param deployerPrincipalId string = ''

@description('Type of deployerPrincipalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

var catalogue = loadJsonContent('../roles.json')
var roles = catalogue.roles
var appAssignments = filter(catalogue.assignments, a => a.principal == 'app')
var storageRoles = filter(appAssignments, a => a.scope == 'storage')
var queueRoles = filter(appAssignments, a => a.scope == 'serviceBusQueue')
var keyVaultRoles = filter(appAssignments, a => a.scope == 'keyVault')
var insightsRoles = filter(appAssignments, a => a.scope == 'applicationInsights')
var deployerKeyVaultRoles = filter(catalogue.assignments, a => a.principal == 'deployer' && a.scope == 'keyVault')

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource serviceBusQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for queueName in serviceBusQueueNames: {
    parent: serviceBusNamespace
    name: queueName
  }
]

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in storageRoles: {
    name: guid(storageAccount.id, managedIdentityPrincipalId, roles[a.role].id)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles[a.role].id)
      principalId: managedIdentityPrincipalId
      principalType: 'ServicePrincipal' // a managed identity is a service principal
    }
  }
]

// Data Sender + Data Receiver on each queue (not Data Owner on the namespace): the app
// cannot create, delete or reconfigure queues, nor read queues it does not own.
resource queueRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(serviceBusQueueNames) * length(queueRoles)): {
    name: guid(
      serviceBusQueues[i / length(queueRoles)].id,
      managedIdentityPrincipalId,
      roles[queueRoles[i % length(queueRoles)].role].id
    )
    scope: serviceBusQueues[i / length(queueRoles)]
    properties: {
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        roles[queueRoles[i % length(queueRoles)].role].id
      )
      principalId: managedIdentityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource keyVaultRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in keyVaultRoles: {
    name: guid(keyVault.id, managedIdentityPrincipalId, roles[a.role].id)
    scope: keyVault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles[a.role].id)
      principalId: managedIdentityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource insightsRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in insightsRoles: {
    name: guid(applicationInsights.id, managedIdentityPrincipalId, roles[a.role].id)
    scope: applicationInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles[a.role].id)
      principalId: managedIdentityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource deployerRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in (empty(deployerPrincipalId) ? [] : deployerKeyVaultRoles): {
    name: guid(keyVault.id, deployerPrincipalId, roles[a.role].id)
    scope: keyVault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles[a.role].id)
      principalId: deployerPrincipalId
      principalType: deployerPrincipalType
    }
  }
]
