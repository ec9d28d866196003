package dev.forgepreview.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts {@link E2eSystem} once for the whole test run (kept in the root store, so every test class
 * shares it) and stops every process after the last test.
 */
final class E2eExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(E2eExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    system(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == E2eSystem.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return system(context);
  }

  private static E2eSystem system(ExtensionContext context) {
    Holder holder =
        context
            .getRoot()
            .getStore(NS)
            .getOrComputeIfAbsent("system", key -> new Holder(), Holder.class);
    return holder.system();
  }

  /** Starts lazily; closed by JUnit when the root context closes. */
  private static final class Holder implements ExtensionContext.Store.CloseableResource {
    private E2eSystem system;
    private Throwable failure;

    synchronized E2eSystem system() {
      if (failure != null) {
        throw new IllegalStateException(
            "the system did not start (see the first failure)", failure);
      }
      if (system == null) {
        E2eSystem candidate = null;
        try {
          candidate = new E2eSystem();
          system = candidate.start();
        } catch (Throwable e) {
          failure = e;
          if (candidate != null) {
            candidate.close();
          }
          if (e instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException("the system did not start", e);
        }
      }
      return system;
    }

    @Override
    public synchronized void close() {
      if (system != null) {
        system.close();
      }
    }
  }
}
