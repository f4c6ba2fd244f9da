package org.careledger.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Nodes on loopback that answer the REST calls the mixed load makes, over plain HTTP, sharing one
 * chain (every transaction its own block, the same at every node): enough to run the generator end
 * to end in a test. Not a model of consensus; {@link #corruptRetrievals} makes every retrieval
 * answer other bytes.
 */
final class FakeFederation implements AutoCloseable {

  private static final Pattern REQUEST_ID = Pattern.compile("/requests/([^/]+)/grant");

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> names;
  private final List<String> blocks = new ArrayList<>(); // txId of block h+1 at index h
  private final Map<String, byte[]> documents = new ConcurrentHashMap<>();
  private final Map<String, String> providers = new ConcurrentHashMap<>();
  private final Map<String, String[]> requests = new ConcurrentHashMap<>(); // id → record, asker
  private final Set<String> grants = ConcurrentHashMap.newKeySet(); // record + " " + grantee
  final Map<String, Integer> calls = new ConcurrentHashMap<>();
  volatile boolean corruptRetrievals;

  FakeFederation(List<String> names) throws IOException {
    this.names = names;
    for (String name : names) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newFixedThreadPool(8));
      server.createContext("/api/v1", exchange -> handle(name, exchange));
      server.start();
      servers.add(server);
    }
  }

  String urls() {
    List<String> urls = new ArrayList<>();
    for (HttpServer server : servers) {
      urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1");
    }
    return String.join(",", urls);
  }

  private synchronized String commit() {
    String txId = HexFormat.of().formatHex(sha256(UUID.randomUUID().toString().getBytes()));
    blocks.add(txId);
    return txId;
  }

  private synchronized int height() {
    return blocks.size();
  }

  private synchronized String txAt(long height) {
    return height >= 1 && height <= blocks.size() ? blocks.get((int) height - 1) : null;
  }

  private synchronized boolean committed(String txId) {
    return blocks.contains(txId);
  }

  private void handle(String node, HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String path = uri.getPath().substring("/api/v1".length());
      String method = exchange.getRequestMethod();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String text = new String(body, StandardCharsets.UTF_8);
      String op = method + " " + path.replaceAll("/[^/]*[0-9][^/]*", "/*");
      calls.merge(op, 1, Integer::sum);
      if (path.equals("/node")) {
        json(exchange, 200, "{\"institutionId\":\"" + node + "\"}");
        return;
      }
      String channel = "/channels/care-bft";
      if (!path.startsWith(channel)) {
        json(exchange, 404, "{\"code\":\"CL-1170\"}");
        return;
      }
      String rest = path.substring(channel.length());
      Map<String, String> query = query(uri.getRawQuery());
      if (rest.isEmpty()) {
        json(exchange, 200, "{\"channelId\":\"care-bft\",\"height\":" + height() + "}");
      } else if (rest.startsWith("/blocks/")) {
        String tx = txAt(Long.parseLong(rest.substring("/blocks/".length())));
        if (tx == null) {
          json(exchange, 404, "{\"code\":\"CL-1173\"}");
        } else {
          json(exchange, 200, "{\"hash\":\"h-" + tx + "\",\"txIds\":[\"" + tx + "\"]}");
        }
      } else if (rest.equals("/verify")) {
        json(exchange, 200, "{\"ok\":true,\"blocksVerified\":" + height() + "}");
      } else if (rest.startsWith("/transactions/") && rest.endsWith("/proof")) {
        String tx = rest.substring("/transactions/".length(), rest.length() - "/proof".length());
        json(exchange, committed(tx) ? 200 : 404, "{}");
      } else if (rest.equals("/records") && method.equals("POST")) {
        String record = query.get("recordId");
        if (exchange.getRequestHeaders().getFirst("CareLedger-Patient-Id") == null) {
          json(exchange, 400, "{\"code\":\"CL-1150\"}");
        } else if (documents.putIfAbsent(record, body) != null) {
          json(exchange, 409, "{\"code\":\"CL-1703\"}");
        } else {
          providers.put(record, node);
          json(exchange, 201, "{\"recordId\":\"" + record + "\",\"txId\":\"" + commit() + "\"}");
        }
      } else if (rest.equals("/requests")) {
        String record = field(text, "recordId");
        if (!documents.containsKey(record)) {
          json(exchange, 404, "{\"code\":\"CL-1172\"}");
        } else if (providers.get(record).equals(node)) {
          json(exchange, 403, "{\"code\":\"CL-1718\"}");
        } else {
          String id = UUID.randomUUID().toString();
          requests.put(id, new String[] {record, node});
          json(exchange, 201, "{\"requestId\":\"" + id + "\",\"txId\":\"" + commit() + "\"}");
        }
      } else if (rest.startsWith("/requests/") && rest.endsWith("/grant")) {
        Matcher m = REQUEST_ID.matcher(rest);
        String[] request = m.find() ? requests.remove(m.group(1)) : null;
        if (request == null) {
          json(exchange, 404, "{\"code\":\"CL-1711\"}");
        } else if (!providers.get(request[0]).equals(node)) {
          json(exchange, 403, "{\"code\":\"CL-1712\"}");
        } else {
          grants.add(request[0] + " " + request[1]);
          json(exchange, 200, "{\"txId\":\"" + commit() + "\"}");
        }
      } else if (rest.startsWith("/records/") && rest.endsWith("/content")) {
        String record = rest.substring("/records/".length(), rest.length() - "/content".length());
        if (!grants.contains(record + " " + node)) {
          json(exchange, 403, "{\"code\":\"CL-1710\"}");
          return;
        }
        byte[] document = documents.get(record).clone();
        if (corruptRetrievals) {
          document[0] ^= 1;
        }
        exchange.getResponseHeaders().add("CareLedger-Access-Tx", commit());
        exchange.sendResponseHeaders(200, document.length);
        exchange.getResponseBody().write(document);
      } else if (rest.equals("/consents")) {
        json(exchange, 201, "{\"txId\":\"" + commit() + "\"}");
      } else {
        json(exchange, 404, "{\"code\":\"CL-1803\"}");
      }
    }
  }

  private static void json(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return query;
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> names() {
    return names;
  }

  @Override
  public void close() {
    servers.forEach(server -> server.stop(0));
  }
}
