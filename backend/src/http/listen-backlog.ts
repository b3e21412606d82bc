/**
 * How many connections the kernel may hold completed but not yet accepted, for our HTTP
 * servers (`server.listen`). Node's default is 511: a burst of 1,000 clients connecting at once
 * (the bench's create storm) overflowed it, and each connection the kernel dropped was only
 * retried by its client after a 1 s SYN retransmit, then 2 s, 4 s — whole seconds of wall time in
 * which the server sat idle. Linux caps the value at `net.core.somaxconn` (4096 by default since
 * kernel 5.4), so asking for more than the machine allows is harmless.
 */
export const LISTEN_BACKLOG = 4096;
