package dev.vigil.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** What a test passes on to a JVM it starts as a child process, so that Chronicle Queue runs there as it does here. */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * The JVM flags of this test JVM that Chronicle Queue needs ({@code --add-opens}, {@code --add-exports}, -D):
     * surefire passes them to this JVM as {@code vigil.jvm.args}, so they are copied from this JVM's arguments.
     */
    static List<String> chronicleFlags() {
        List<String> flags = new ArrayList<>();
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.startsWith("--add-opens=") || argument.startsWith("--add-exports=")
                    || argument.startsWith("-Dchronicle.") || argument.startsWith("-Dorg.slf4j.")) {
                flags.add(argument);
            } else if ((argument.equals("--add-opens") || argument.equals("--add-exports")) && i + 1 < arguments.size()) {
                flags.add(argument);
                flags.add(arguments.get(++i));
            }
        }
        return flags;
    }
}
