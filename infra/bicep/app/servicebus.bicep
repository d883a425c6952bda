// Service Bus namespace (Standard, Entra ID only) and the application's queues.
// The queue list itself is declared once, in main.bicep (serviceBusQueues).

@description('A queue the application sends to or is triggered by.')
type queueSpec = {
  @description('Queue name.')
  name: string
  @description('Deliveries before a message is dead-lettered.')
  maxDeliveryCount: int
  @description('Peek-lock duration, ISO 8601 (at most PT5M).')
  lockDuration: string
}

@description('Service Bus namespace name.')
param name string

@description('Location of the namespace.')
param location string = resourceGroup().location

@description('Tags applied to the namespace.')
param tags object = {}

@description('Queues to create.')
param queues queueSpec[]

@description('Time to live of a message that is never received; expired messages go to the dead-letter queue.')
param defaultMessageTimeToLive string = 'P14D'

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true // no SAS keys: the app connects with its managed identity
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource serviceBusQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in queues: {
    parent: serviceBusNamespace
    name: queue.name
    properties: {
      maxDeliveryCount: queue.maxDeliveryCount
      lockDuration: queue.lockDuration
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: defaultMessageTimeToLive
      // Senders set MessageId to the business key, so a retried send inside the window is dropped.
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      requiresSession: false
      enablePartitioning: false
    }
  }
]

output name string = serviceBusNamespace.name
output id string = serviceBusNamespace.id
@description('Fully qualified namespace, e.g. sb-xxxx.servicebus.windows.net')
output fullyQualifiedNamespace string = '${serviceBusNamespace.name}.servicebus.windows.net'
output queueNames string[] = [for (queue, i) in queues: serviceBusQueues[i].name]
