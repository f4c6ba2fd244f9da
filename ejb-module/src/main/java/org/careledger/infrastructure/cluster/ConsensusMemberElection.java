package org.careledger.infrastructure.cluster;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.logging.Logger;
import org.careledger.application.ClusterRole;
import org.jboss.msc.Service;
import org.jboss.msc.service.ServiceActivator;
import org.jboss.msc.service.ServiceActivatorContext;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

/**
 * Registers the institution's consensus member as a WildFly HA singleton service on a cluster node
 * (see {@link ClusterRole}); does nothing on a node on its own.
 *
 * <p>WildFly runs this at deployment (it is listed in {@code
 * META-INF/services/org.jboss.msc.service.ServiceActivator}). On a cluster node it installs,
 * through the singleton subsystem's default policy, a service named {@value #SERVICE} that WildFly
 * starts on exactly one node of the cluster at a time and moves to another when that node leaves
 * the view. Its start and stop only set {@link ClusterRole#elected(boolean)}: the consensus driver
 * looks at that flag every {@code ConsensusDriver.ROLE_CHECK_MILLIS} and starts or stops the member
 * itself (on its own threads, with its own transactions), so the MSC thread never waits for it.
 *
 * <p>WildFly's singleton API ({@code org.wildfly.clustering.singleton.service
 * .SingletonServiceActivator}) is not on Maven Central with its parent POM, so this class is
 * compiled against MSC only and implements that interface through a {@link Proxy}: its default
 * {@code activate} finds the default policy's singleton service target and calls back {@code
 * activate(SingletonServiceActivatorContext)}, whose service target is an MSC {@code ServiceTarget}
 * that installs singleton services. The EAR's deployment structure gives this module {@code
 * org.wildfly.clustering.singleton.api}.
 */
public final class ConsensusMemberElection implements ServiceActivator {

  private static final Logger LOG = Logger.getLogger(ConsensusMemberElection.class.getName());

  /** The singleton service's name, the same on every node of the institution. */
  public static final String SERVICE = "org.careledger.consensus.member";

  static final String API = "org.wildfly.clustering.singleton.service.SingletonServiceActivator";
  static final String API_CONTEXT =
      "org.wildfly.clustering.singleton.service.SingletonServiceActivatorContext";

  @Override
  public void activate(ServiceActivatorContext context) {
    if (!ClusterRole.clustered()) {
      return;
    }
    ClassLoader loader = ConsensusMemberElection.class.getClassLoader();
    try {
      Class<?> api = Class.forName(API, true, loader);
      Method defaultActivate = api.getMethod("activate", ServiceActivatorContext.class);
      InvocationHandler handler =
          (proxy, method, args) -> {
            if (method.getName().equals("activate")
                && args != null
                && args.length == 1
                && method.getParameterTypes()[0].getName().equals(API_CONTEXT)) {
              installMember((ServiceActivatorContext) args[0]);
              return null;
            }
            if (method.getName().equals("activate")) {
              return InvocationHandler.invokeDefault(proxy, defaultActivate, args);
            }
            return switch (method.getName()) {
              case "toString" -> "ConsensusMemberElection";
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> null; // getSingletonPolicy(): null, the default policy
            };
          };
      Object activator = Proxy.newProxyInstance(loader, new Class<?>[] {api}, handler);
      ((ServiceActivator) activator).activate(context);
      LOG.info(
          "cluster node "
              + ClusterRole.nodeName()
              + ": the consensus member is an HA singleton ("
              + SERVICE
              + ", the singleton subsystem's default policy)");
    } catch (Throwable e) {
      throw new IllegalStateException(
          "this node is configured as a cluster node ("
              + ClusterRole.NODE_PROPERTY
              + "="
              + System.getProperty(ClusterRole.NODE_PROPERTY)
              + ") but WildFly's HA singleton service cannot be installed; start it with the HA"
              + " profile (node.sh does with CARELEDGER_CLUSTER_NODE): "
              + e,
          e);
    }
  }

  /** In the singleton service target: the service that marks this node elected while it runs. */
  private static void installMember(ServiceActivatorContext singleton) {
    ServiceBuilder<?> builder = singleton.getServiceTarget().addService();
    builder.provides(ServiceName.parse(SERVICE));
    builder
        .setInstance(
            new Service() {
              @Override
              public void start(StartContext context) {
                ClusterRole.elected(true);
                LOG.info(
                    "cluster node "
                        + ClusterRole.nodeName()
                        + " is elected to run the institution's consensus member");
              }

              @Override
              public void stop(StopContext context) {
                ClusterRole.elected(false);
                LOG.info(
                    "cluster node "
                        + ClusterRole.nodeName()
                        + " no longer runs the institution's consensus member");
              }
            })
        .install();
  }
}
