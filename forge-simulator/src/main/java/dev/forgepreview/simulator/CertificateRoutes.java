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
        .add("POST", base, this::create)
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

  /**
   * {@code POST …/certificates}: only {@code type: existing} (a certificate and its key, PEM) is
   * simulated; it installs like any certificate and activates only when asked ({@code …/activate}).
   * {@code new} (a CSR) and {@code clone} are refused with a 422.
   */
  private Response create(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String type = v.requiredString("type");
    if (type != null && !type.equals("existing")) {
      v.reject("type", "The simulator only supports certificates of type existing.");
    }
    String key = v.optionalString("key", null);
    String pem = v.optionalString("certificate", null);
    if ("existing".equals(type)) {
      if (key == null) {
        v.reject("key", "The key field is required when type is existing.");
      } else if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
        v.reject("key", "The key must be a PEM private key.");
      }
      if (pem == null) {
        v.reject("certificate", "The certificate field is required when type is existing.");
      } else if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
        v.reject("certificate", "The certificate must be a PEM certificate.");
      }
    }
    v.check();
    CertificateEntity certificate = new CertificateEntity();
    certificate.id = state.nextId();
    certificate.serverId = site.serverId;
    certificate.siteId = site.id;
    certificate.domain = site.name;
    certificate.type = "existing";
    certificate.certificatePem = pem;
    certificate.createdAt = call.now();
    certificate.installedAt = call.now().plus(settings.certificateInstallDuration());
    certificate.activatedAt = null;
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

  /**
   * Let's Encrypt certificates activate themselves: the call is accepted and changes nothing. An
   * existing one starts activating (once it is installed; before, Forge's answer is not documented
   * and the simulator refuses with a 422).
   */
  private Response activate(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    CertificateEntity certificate = state.certificate(site, call.id(2));
    if ("existing".equals(certificate.type) && certificate.activatedAt == null) {
      if (!Lifecycle.reached(certificate.installedAt, call.now())) {
        return Response.json(
            422, Map.of("certificate", List.of("The certificate is still installing.")));
      }
      certificate.activatedAt = call.now().plus(settings.certificateActivationDuration());
    }
    return Response.ok();
  }
}
