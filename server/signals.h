#pragma once

namespace cp::server {

// BlockTerminationSignals blocks SIGTERM and SIGINT in the calling thread and
// in every thread it starts afterwards, so that they stay pending until
// WaitForTerminationSignal takes them (no work runs in a signal handler).
// Call it before any thread is started.
void BlockTerminationSignals();

// WaitForTerminationSignal waits until SIGTERM or SIGINT arrives and returns
// its number.
int WaitForTerminationSignal();

}  // namespace cp::server
