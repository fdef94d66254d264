return 0; // Filled in by the runtime work in progress.
