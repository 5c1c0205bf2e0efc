// Importing a processor module registers it.
import "./triage.processor";
import "./retrain.processor";
import "./recurrence.processor";
import "./sla.processor";
import "./notify.processor";
import "./alerts.processor";
