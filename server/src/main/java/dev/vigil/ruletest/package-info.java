/**
 * Rule tests: runs the {@code TEST name GIVEN { events } EXPECT { alerts }} blocks of a rule file
 * ({@link dev.vigil.dsl.ruletest.TestBlocks} finds them) on a fresh engine each and says which pass, with the
 * difference of those that do not. Shared by {@code vigil test}, the server's {@code POST /v1/rules/test} and its
 * deploy gate (every deploy runs the file's tests first), so a test means the same everywhere. Depends on the wire
 * formats ({@code dev.vigil.wire}) for reading events and writing alerts as {@code vigil run} does. Stateless; safe
 * from any thread.
 */
package dev.vigil.ruletest;
