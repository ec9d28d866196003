package dev.forgepreview.simulator;

import java.util.List;
import java.util.Map;

/** {@code …/certificates} and {@code …/certificates/letsencrypt}. */
final class CertificateRoutes {

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;
  private final Faults faults;

  CertificateRoutes(ForgeState state, Views views, SimulatorSettings settings, Faults faults) {
    this.state = state;
    this.views = views;
    this.settings = settings;
    this.faults = faults;
  }

  void register(Router router) {
    String base = "servers/{id}/sites/{id}/certificates";
    router
        .add("GET", base, this::list)
        .add("POST", base + "/letsencrypt", this::letsEncrypt)
        .add("GET", base + "/{id}", this::show)
        .add("DELETE", base + "/{id}", this::delete)
        .add("POST", base + "/{id}/activate", this::activate);
  }

  private Response list(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(
        Map.of(
            "certificates",
            ForgeState.select(state.certificates, c -> c.siteId == site.id).stream()
                .map(c -> views.certificate(c, call.now()))
                .toList()));
  }

  /**
   * Requests a certificate: {@code installing}, then {@code installed} + {@code activating}, then
   * {@code activated} and active, without an activate call (observed).
   */
  private Response letsEncrypt(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    List<String> domains = v.stringList("domains");
    if (domains.isEmpty()) {
      v.reject("domains", "The domains field is required.");
    }
    boolean wildcard = domains.stream().anyMatch(d -> d.startsWith("*."));
    if (wildcard && v.raw("dns_provider") == null) {
      v.reject("dns_provider", "The dns provider field is required when domains has a wildcard.");
    }
    v.check();
    CertificateEntity certificate = new CertificateEntity();
    certificate.id = state.nextId();
    certificate.serverId = site.serverId;
    certificate.siteId = site.id;
    certificate.domain = String.join(",", domains);
    certificate.createdAt = call.now();
    certificate.installedAt = call.now().plus(settings.certificateInstallDuration());
    certificate.activatedAt =
        certificate.installedAt.plus(settings.certificateActivationDuration());
    certificate.fails = faults.failCertificates();
    state.certificates.put(certificate.id, certificate);
    state.recordCreated(ForgeState.Kind.CERTIFICATES, certificate.domain);
    return Response.json(Map.of("certificate", views.certificate(certificate, call.now())));
  }

  private Response show(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    return Response.json(
        Map.of("certificate", views.certificate(state.certificate(site, call.id(2)), call.now())));
  }

  private Response delete(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.certificates.remove(state.certificate(site, call.id(2)).id);
    return Response.ok();
  }

  /** Let's Encrypt certificates activate themselves; the call is accepted and changes nothing. */
  private Response activate(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    state.certificate(site, call.id(2));
    return Response.ok();
  }
}
