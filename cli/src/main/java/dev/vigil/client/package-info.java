/**
 * A small client of the rules server for the command line ({@code vigil send}, {@code vigil watch}): the server's
 * address and credentials, which TLS certificates to trust ({@link dev.vigil.client.ClientTls}), and a WebSocket
 * whose text messages arrive in a queue. Only java.net.http.
 */
package dev.vigil.client;
