// Importing a processor module registers it.
