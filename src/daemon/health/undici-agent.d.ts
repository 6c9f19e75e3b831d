// Types for the undici module imported by path (undici/lib/... has no declarations of its own): the daemon's HTTP
// probe loads only the Agent class, not the package's whole index.
declare module 'undici/lib/dispatcher/agent.js' {
  const Agent: typeof import('undici').Agent;
  export default Agent;
}
