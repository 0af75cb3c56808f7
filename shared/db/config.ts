/** Everything needed to open a SurrealDB connection. Built once from the validated Worker env. */
export interface DatabaseConfig {
  /** WebSocket RPC endpoint, e.g. `ws://127.0.0.1:8000/rpc` or `wss://db.example.com/rpc`. */
  url: string;
  namespace: string;
  database: string;
  /** Optional system user; without it the connection is anonymous (fine for the local server). */
  credentials?: {
    username: string;
    password: string;
    /** Where the user is defined: `root` (default), `namespace` or `database`. */
    level: "root" | "namespace" | "database";
  };
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}
