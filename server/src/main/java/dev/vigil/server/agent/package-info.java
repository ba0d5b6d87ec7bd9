/**
 * What the server's single-writer agents share: how they wait for work ({@link dev.vigil.server.agent.ParkingIdle}).
 * The agents themselves live in their stages: the sequencer ({@code dev.vigil.server.sequencer.Sequencer}) and the
 * shards ({@code dev.vigil.server.shard.Shard}), each an Agrona {@code Agent} on its own thread, fed through a
 * bounded queue and stepped by tests through {@code doWork()}.
 */
package dev.vigil.server.agent;
