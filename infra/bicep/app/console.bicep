// The web console (issue #21): Azure Static Web Apps serves dist/web from a global edge with
// the Function App as its linked backend, so the console and the API share one origin
// (`/api/*` is forwarded to the Function App; no CORS, no token in a cross-site call) while
// the Functions host keeps its `api` route prefix. Linked backends need the Standard plan.

@description('Name of the Static Web App.')
param name string

@description('Static Web Apps runs in a few regions only (westeurope, centralus, eastus2, westus2, eastasia); the content is served from the edge either way.')
param location string

param tags object = {}

@description('Resource id of the Function App that answers /api/* (the linked backend).')
param functionAppResourceId string

@description('Region of the Function App.')
param functionAppLocation string

resource console 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // azd deploys the built files; no GitHub workflow is generated.
    buildProperties: {
      skipGithubActionWorkflowGeneration: true
    }
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2023-12-01' = {
  parent: console
  name: 'api'
  properties: {
    backendResourceId: functionAppResourceId
    region: functionAppLocation
  }
}

output name string = console.name
output defaultHostname string = console.properties.defaultHostname
