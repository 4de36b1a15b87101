export interface RedisServer {
  host: string;
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server and removes its working dir. */
  stop(): Promise<void>;
}

/** Whether Debian's `redis-server` is on PATH (`.ci/run` installs it). */
export declare const HAVE_REDIS_SERVER: boolean;

/** A throwaway redis-server on a free 127.0.0.1 port, once it answers PING; `prefix` names its temp dir. */
export declare function startRedisServer(prefix?: string): Promise<RedisServer>;
