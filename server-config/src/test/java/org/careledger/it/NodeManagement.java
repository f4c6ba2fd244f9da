package org.careledger.it;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;

/**
 * Management operations on a running test node from the test JVM, through WildFly's management
 * client (the one the Arquillian container deploys with; local authentication on this machine, as
 * jboss-cli has). For the operations the federation suites repeat under load (a bridge stopped or
 * started, a queue counted, the test's admin added): a jboss-cli JVM per call cost about 2.3 s of
 * CPU on two cores that the nodes under test need. What an operator runs, {@code node.sh cli}, is
 * still what the suites use where the command itself is under test.
 */
final class NodeManagement {

  private NodeManagement() {}

  /**
   * An operation on the resource at {@code address} ({@code /subsystem=x/child=y}, as jboss-cli
   * writes it), with {@code parameters} (values: strings, booleans, numbers, lists of strings, or
   * maps of string to string).
   */
  static ModelNode operation(String address, String name, Map<String, ?> parameters) {
    ModelNode op = new ModelNode();
    op.get("operation").set(name);
    ModelNode path = op.get("address").setEmptyList();
    for (String element : address.split("/")) {
      if (element.isEmpty()) {
        continue;
      }
      int equals = element.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("not a resource address: " + address);
      }
      path.add(element.substring(0, equals), element.substring(equals + 1));
    }
    parameters.forEach((key, value) -> op.get(key).set(value(value)));
    return op;
  }

  static ModelNode operation(String address, String name) {
    return operation(address, name, Map.of());
  }

  private static ModelNode value(Object value) {
    ModelNode node = new ModelNode();
    if (value instanceof String text) {
      node.set(text);
    } else if (value instanceof Boolean flag) {
      node.set(flag);
    } else if (value instanceof Integer number) {
      node.set(number);
    } else if (value instanceof Long number) {
      node.set(number);
    } else if (value instanceof List<?> list) {
      node.setEmptyList();
      list.forEach(item -> node.add(value(item)));
    } else if (value instanceof Map<?, ?> map) {
      node.setEmptyObject();
      map.forEach((key, item) -> node.get(String.valueOf(key)).set(value(item)));
    } else {
      throw new IllegalArgumentException("no DMR form for " + value);
    }
    return node;
  }

  /** Runs {@code operation} on the node whose management interface listens on {@code port}. */
  static ModelNode execute(int port, ModelNode operation) throws IOException {
    try (ModelControllerClient client =
        ModelControllerClient.Factory.create("remote+http", "127.0.0.1", port)) {
      return client.execute(operation);
    }
  }

  /** As {@link #execute}, and its result; a failed outcome throws with the node's description. */
  static ModelNode result(int port, ModelNode operation) throws IOException {
    ModelNode response = execute(port, operation);
    if (!"success".equals(response.get("outcome").asString())) {
      throw new IllegalStateException(
          "management operation failed on port "
              + port
              + ": "
              + operation.toJSONString(true)
              + " -> "
              + response.get("failure-description").asString());
    }
    return response.get("result");
  }

  /** Whether {@code operation} succeeds (e.g. a read of a resource that may not exist). */
  static boolean succeeds(int port, ModelNode operation) throws IOException {
    return "success".equals(execute(port, operation).get("outcome").asString());
  }
}
