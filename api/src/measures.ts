import { alertMeasures } from "./modules/alert/alert.measures";
import { changeMeasures } from "./modules/change/change.measures";
import { incidentMeasures, incidentSources } from "./modules/incident/incident.measures";
import type { MeasureDefinition } from "./modules/metrics/metrics.registry";
import { INCIDENT_PROBLEM_DIMENSION, problemMeasures } from "./modules/problem/problem.measures";
import { slaMeasures } from "./modules/sla/sla.measures";
import { SUGGESTION_MEASURES } from "./modules/suggestion/suggestion.measures";
import { MetricsGrouping } from "./modules/metrics/metrics.registry";

const incidents = incidentSources({ [MetricsGrouping.problem]: INCIDENT_PROBLEM_DIMENSION });

/** Every measure the `metrics` query offers; a module adds a measure by adding it to its list here. */
export const MEASURES: readonly MeasureDefinition[] = [
  ...incidentMeasures(incidents),
  ...SUGGESTION_MEASURES,
  ...problemMeasures(incidents.identified),
  ...changeMeasures(incidents.identified),
  ...slaMeasures(incidents.identified),
  ...alertMeasures(incidents.identified),
];
