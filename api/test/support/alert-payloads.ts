/**
 * The example payloads as the senders' documentation shows them, unchanged:
 * - Alertmanager: the webhook_config body, version 4 (prometheus.io/docs/alerting/latest/configuration/#webhook_config),
 *   with the placeholders of its schema filled in as Alertmanager fills them.
 * - PagerDuty: the "trigger" example of the Events API v2 (developer.pagerduty.com, "Send an Alert Event"),
 *   routing_key and all.
 */
export const ALERTMANAGER_EXAMPLE = {
  version: "4",
  groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
  truncatedAlerts: 0,
  status: "firing",
  receiver: "quell",
  groupLabels: { alertname: "ProbeFailure" },
  commonLabels: { alertname: "ProbeFailure", job: "http_checks", monitor: "master", severity: "critical" },
  commonAnnotations: { summary: "BlackBox Probe Failure" },
  externalURL: "http://alertmanager.example.org:9093",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "ProbeFailure", instance: "https://server.example.org", job: "http_checks", monitor: "master", severity: "critical" },
      annotations: { description: "Instance https://server.example.org has been down for over 5m. Job: http_checks", summary: "BlackBox Probe Failure: https://server.example.org" },
      startsAt: "2023-02-06T13:08:45.828Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
      fingerprint: "1a30ba71cca2921f",
    },
    {
      status: "firing",
      labels: { alertname: "ProbeFailure", instance: "https://api.example.org", job: "http_checks", monitor: "master", severity: "critical" },
      annotations: { description: "Instance https://api.example.org has been down for over 5m. Job: http_checks", summary: "BlackBox Probe Failure: https://api.example.org" },
      startsAt: "2023-02-06T13:09:15.828Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
      fingerprint: "2b41cb82ddb3a32f",
    },
  ],
};

export const PAGERDUTY_EXAMPLE = {
  payload: {
    summary: "DISK at 99% on machine prod-datapipe03.example.com",
    timestamp: "2015-07-17T08:42:58.315+0000",
    severity: "critical",
    source: "prod-datapipe03.example.com",
    component: "mysql",
    group: "prod-datapipe",
    class: "disk",
    custom_details: { "free space": "1%", "ping time": "1500ms", "load avg": 0.75 },
  },
  routing_key: "e93facc04764012d7bfb002500d5d1a6",
  dedup_key: "srv01/mysql",
  event_action: "trigger",
  client: "Sample Monitoring Service",
  client_url: "https://monitoring.service.com",
  links: [{ href: "http://pagerduty.example.com", text: "An example link." }],
  images: [{ src: "https://chart.googleapis.com/chart?chs=600x400&chd=t:6,2,9,5,2,5,7,4,8,2,1&cht=lc&chds=a&chxt=y&chm=D,0033FF,0,0,5,1", href: "https://google.com", alt: "An example link with an image" }],
};
