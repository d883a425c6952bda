// Alert rules and a workbook for the platform's key signals. The custom metrics are the
// platform's own (shared/foundation/metrics.ts), exported through OpenTelemetry to
// Application Insights, where they land in `customMetrics` with their labels in
// customDimensions; 5xx comes from the `requests` the Functions host records; dead letters
// from Service Bus' own platform metric.

@description('Location of the alert rules and workbook.')
param location string = resourceGroup().location

@description('Tags applied to every resource here.')
param tags object = {}

@description('Name of the action group.')
param actionGroupName string

@description('E-mail address the alerts go to; empty creates the rules without a receiver (they still show in the portal).')
param alertEmailAddress string = ''

@description('Resource id of the Application Insights component.')
param applicationInsightsId string

@description('Resource id of the Service Bus namespace.')
param serviceBusNamespaceId string

@description('Percentage of 5xx responses over 15 minutes that raises the alert.')
param serverErrorPercent int = 5

var hasReceiver = !empty(alertEmailAddress)

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'fip-alerts'
    enabled: true
    emailReceivers: hasReceiver
      ? [
          {
            name: 'operators'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
      : []
  }
}

// Log alerts over Application Insights, each evaluated every 5 minutes.
var logAlerts = [
  {
    name: 'job-failures'
    severity: 2
    description: 'A timer, report, backup or ESG run failed (timer_runs_total, reports_generated_total, backups_completed_total, esg_runs_total with a failed status).'
    query: 'customMetrics | where name in ("timer_runs_total", "reports_generated_total", "backups_completed_total", "esg_runs_total") | where tostring(customDimensions.status) in~ ("failed") | summarize failures = sum(value) | where failures > 0'
  }
  {
    name: 'sap-down'
    severity: 1
    description: 'SAP is considered unavailable (sap_up is 0: the circuit breaker is open).'
    query: 'customMetrics | where name == "sap_up" | summarize lowest = min(value) | where lowest < 1'
  }
  {
    name: 'server-errors'
    severity: 2
    description: 'More than ${serverErrorPercent}% of requests answered 5xx over 15 minutes (at least 20 requests).'
    query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 20 and failed * 100.0 / total > ${serverErrorPercent}'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [
  for alert in logAlerts: {
    name: alert.name
    location: location
    tags: tags
    properties: {
      displayName: alert.name
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        applicationInsightsId
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

// Messages in any queue's dead-letter queue (Service Bus platform metric, per queue).
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A Service Bus queue holds dead-lettered messages (see /api/admin dead-letter tools or the portal).'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// One workbook with the same signals, to open from the portal (Monitor > Workbooks).
var workbookQueries = [
  {
    title: 'Requests by status class'
    query: 'requests | summarize count() by bin(timestamp, 5m), status = strcat(substring(resultCode, 0, 1), "xx") | render timechart'
  }
  {
    title: '5xx rate (%)'
    query: 'requests | summarize rate = 100.0 * countif(toint(resultCode) >= 500) / count() by bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Job runs by outcome'
    query: 'customMetrics | where name in ("timer_runs_total", "reports_generated_total", "backups_completed_total", "esg_runs_total") | summarize runs = sum(value) by name, status = tostring(customDimensions.status), bin(timestamp, 1h) | render columnchart'
  }
  {
    title: 'SAP up (1) / down (0)'
    query: 'customMetrics | where name == "sap_up" | summarize up = min(value) by bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Queue depth and dead letters'
    query: 'customMetrics | where name in ("queue_depth", "queue_dead_letter_depth") | summarize depth = max(value) by bin(timestamp, 5m), series = strcat(name, " ", tostring(customDimensions.queue)) | render timechart'
  }
  {
    title: 'SAP RFC errors'
    query: 'customMetrics | where name == "sap_rfc_errors_total" | summarize errors = sum(value) by bin(timestamp, 5m) | render timechart'
  }
]

var workbookItems = [
  for (q, i) in workbookQueries: {
    type: 3
    name: 'query-${i}'
    content: {
      version: 'KqlItem/1.0'
      title: q.title
      query: q.query
      timeContext: {
        durationMs: 86400000
      }
      queryType: 0
      resourceType: 'microsoft.insights/components'
      size: 0
    }
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsId, 'platform-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Finance platform: key signals'
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: string({
      version: 'Notebook/1.0'
      items: workbookItems
      fallbackResourceIds: [
        applicationInsightsId
      ]
    })
  }
}

output actionGroupId string = actionGroup.id
output workbookId string = workbook.id
