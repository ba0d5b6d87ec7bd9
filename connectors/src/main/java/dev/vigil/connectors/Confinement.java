package dev.vigil.connectors;

import java.nio.file.Path;

/**
 * What a sink named in rule text may reach: a file sink stays inside {@code fileFolder} (symbolic links resolved
 * when the file is opened), a webhook connects only to addresses {@code webhookHosts} allows. Sinks declared in the
 * server's configuration are the operator's own: {@link #NONE}.
 *
 * @param fileFolder the folder file sinks must stay in, or {@code null} for anywhere
 * @param webhookHosts the hosts webhooks may connect to
 */
public record Confinement(Path fileFolder, WebhookHosts webhookHosts) {
    /** Anywhere: for sinks the configuration declares. */
    public static final Confinement NONE = new Confinement(null, WebhookHosts.ANY);

    public Confinement {
        if (webhookHosts == null) {
            throw new IllegalArgumentException("webhookHosts is required (WebhookHosts.ANY for no check)");
        }
    }
}
