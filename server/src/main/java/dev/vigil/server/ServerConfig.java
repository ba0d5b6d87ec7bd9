package dev.vigil.server;

import java.nio.file.Path;

/**
 * How {@code vigil serve} runs.
 *
 * @param host the address to bind; loopback by default, since this slice has no authentication
 * @param port the TCP port; 0 picks a free one (tests)
 * @param rulesDir the folder whose {@code *.cep} files (recursively) are deployed at start; {@code null} for none
 * @param queueCapacity commands (event batches, rule changes) a shard holds before the server answers 503
 * @param bodyLimitBytes largest request body accepted; larger ones get 413
 * @param frameLimitBytes largest WebSocket message (one frame, or the fragments of one message) accepted on
 *     {@code /v1/events}; larger ones are refused
 * @param dataDir the server's data folder, created at start when missing; {@code null} for none (tests). Reserved
 *     for the durable ingest and alert logs: nothing is stored there yet
 */
public record ServerConfig(String host, int port, Path rulesDir, int queueCapacity, long bodyLimitBytes,
        int frameLimitBytes, Path dataDir) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE_CAPACITY = 1_024;
    public static final long DEFAULT_BODY_LIMIT_BYTES = 4L << 20;
    public static final int DEFAULT_FRAME_LIMIT_BYTES = 1 << 20;
    public static final String DEFAULT_DATA_DIR = "data";

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity " + queueCapacity + " < 1");
        }
        if (bodyLimitBytes < 1) {
            throw new IllegalArgumentException("body limit " + bodyLimitBytes + " < 1");
        }
        if (frameLimitBytes < 1) {
            throw new IllegalArgumentException("frame limit " + frameLimitBytes + " < 1");
        }
    }

    public static ServerConfig of(String host, int port, Path rulesDir) {
        return new ServerConfig(host, port, rulesDir, DEFAULT_QUEUE_CAPACITY, DEFAULT_BODY_LIMIT_BYTES,
                DEFAULT_FRAME_LIMIT_BYTES, null);
    }

    public ServerConfig withQueueCapacity(int capacity) {
        return new ServerConfig(host, port, rulesDir, capacity, bodyLimitBytes, frameLimitBytes, dataDir);
    }

    public ServerConfig withFrameLimitBytes(int limit) {
        return new ServerConfig(host, port, rulesDir, queueCapacity, bodyLimitBytes, limit, dataDir);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(host, port, rulesDir, queueCapacity, bodyLimitBytes, frameLimitBytes, dir);
    }
}
