#pragma once
// Background priority for the threads that hash passwords. Argon2 keeps a
// core busy for a few hundred milliseconds per check; at the same priority
// as the I/O threads, fifty of them at once make every other client's
// handshake wait for the scheduler's time slices. Below normal priority the
// hashes still get every idle cycle, but an I/O thread that wakes runs
// first (docs/security.md, "Off the I/O threads").

namespace parley::server {

// Lowers the calling thread's scheduling priority (Linux: nice 10 for this
// thread alone; Windows: below normal). False when the system refused; the
// thread then keeps normal priority and still works.
bool lowerCurrentThreadPriority();

}  // namespace parley::server
