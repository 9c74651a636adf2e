// The environment zkafka starts Node.js in. Node 20 reads and parses the certificate file NODE_EXTRA_CA_CERTS names
// (and with it every bundled root certificate) when the process starts, before any of its code runs: about 90 ms on
// a machine whose variable names the system bundle. zkafka's servers and tools make no TLS connections, so the
// certificates are never used; bin/zkafka and the processes zkafka spawns start Node without the variable.

/** `env` without NODE_EXTRA_CA_CERTS. */
export function nodeStartEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env['NODE_EXTRA_CA_CERTS'] === undefined) return env;
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}
