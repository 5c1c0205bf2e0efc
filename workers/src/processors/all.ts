// Importing a processor module registers it.
import "./triage.processor";
import "./retrain.processor";
import "./recurrence.processor";
import "./alerts.processor";
