package org.careledger.interfaces.rest;

import jakarta.ws.rs.SeBootstrap;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.Variant;
import jakarta.ws.rs.ext.RuntimeDelegate;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Just enough of a JAX-RS runtime for an exception mapper's {@code toResponse} to be called in a
 * unit test (no implementation is on the test class path): responses keep their status, headers,
 * media type and entity; everything else is unsupported.
 */
final class StubRuntimeDelegate extends RuntimeDelegate {

  /** Installs the stub unless a runtime is set already. */
  static synchronized void install() {
    try {
      RuntimeDelegate.getInstance();
    } catch (RuntimeException | LinkageError none) {
      RuntimeDelegate.setInstance(new StubRuntimeDelegate());
    }
  }

  @Override
  public Response.ResponseBuilder createResponseBuilder() {
    return new Builder();
  }

  @Override
  public UriBuilder createUriBuilder() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Variant.VariantListBuilder createVariantListBuilder() {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> T createEndpoint(Application application, Class<T> endpointType) {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> HeaderDelegate<T> createHeaderDelegate(Class<T> type) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Link.Builder createLinkBuilder() {
    throw new UnsupportedOperationException();
  }

  @Override
  public SeBootstrap.Configuration.Builder createConfigurationBuilder() {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<SeBootstrap.Instance> bootstrap(
      Application application, SeBootstrap.Configuration configuration) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<SeBootstrap.Instance> bootstrap(
      Class<? extends Application> clazz, SeBootstrap.Configuration configuration) {
    throw new UnsupportedOperationException();
  }

  @Override
  public EntityPart.Builder createEntityPartBuilder(String partName) {
    throw new UnsupportedOperationException();
  }

  private static final class Builder extends Response.ResponseBuilder {
    private int status = 200;
    private String reason;
    private Object entity;
    private final MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();

    @Override
    public Response build() {
      return new Built(status, reason, entity, headers);
    }

    @Override
    public Response.ResponseBuilder clone() {
      Builder copy = new Builder();
      copy.status = status;
      copy.reason = reason;
      copy.entity = entity;
      copy.headers.putAll(headers);
      return copy;
    }

    @Override
    public Response.ResponseBuilder status(int status) {
      return status(status, null);
    }

    @Override
    public Response.ResponseBuilder status(int status, String reasonPhrase) {
      this.status = status;
      this.reason = reasonPhrase;
      return this;
    }

    @Override
    public Response.ResponseBuilder entity(Object entity) {
      this.entity = entity;
      return this;
    }

    @Override
    public Response.ResponseBuilder entity(Object entity, Annotation[] annotations) {
      return entity(entity);
    }

    @Override
    public Response.ResponseBuilder header(String name, Object value) {
      if (value == null) {
        headers.remove(name);
      } else {
        headers.add(name, value);
      }
      return this;
    }

    @Override
    public Response.ResponseBuilder type(MediaType type) {
      return header("Content-Type", type);
    }

    @Override
    public Response.ResponseBuilder type(String type) {
      return header("Content-Type", type);
    }

    @Override
    public Response.ResponseBuilder allow(String... methods) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder allow(Set<String> methods) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder cacheControl(CacheControl cacheControl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder encoding(String encoding) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder replaceAll(MultivaluedMap<String, Object> headers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder language(String language) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder language(Locale language) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder variant(Variant variant) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder contentLocation(URI location) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder cookie(NewCookie... cookies) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder expires(Date expires) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder lastModified(Date lastModified) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder location(URI location) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder tag(EntityTag tag) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder tag(String tag) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder variants(Variant... variants) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder variants(List<Variant> variants) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder links(Link... links) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder link(URI uri, String rel) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Response.ResponseBuilder link(String uri, String rel) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class Built extends Response {
    private final int status;
    private final String reason;
    private final Object entity;
    private final MultivaluedMap<String, Object> headers;

    Built(int status, String reason, Object entity, MultivaluedMap<String, Object> headers) {
      this.status = status;
      this.reason = reason;
      this.entity = entity;
      this.headers = new MultivaluedHashMap<>(headers);
    }

    @Override
    public int getStatus() {
      return status;
    }

    @Override
    public StatusType getStatusInfo() {
      StatusType known = Status.fromStatusCode(status);
      if (reason == null && known != null) {
        return known;
      }
      return new StatusType() {
        @Override
        public int getStatusCode() {
          return status;
        }

        @Override
        public Status.Family getFamily() {
          return Status.Family.familyOf(status);
        }

        @Override
        public String getReasonPhrase() {
          return reason;
        }
      };
    }

    @Override
    public Object getEntity() {
      return entity;
    }

    @Override
    public boolean hasEntity() {
      return entity != null;
    }

    @Override
    public MultivaluedMap<String, Object> getMetadata() {
      return headers;
    }

    @Override
    public String getHeaderString(String name) {
      List<Object> values = headers.get(name);
      if (values == null) {
        return null;
      }
      StringBuilder joined = new StringBuilder();
      for (Object value : values) {
        joined.append(joined.length() == 0 ? "" : ",").append(value);
      }
      return joined.toString();
    }

    @Override
    public MediaType getMediaType() {
      throw new UnsupportedOperationException("read getHeaderString(\"Content-Type\")");
    }

    @Override
    public <T> T readEntity(Class<T> entityType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T readEntity(GenericType<T> entityType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T readEntity(Class<T> entityType, Annotation[] annotations) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T readEntity(GenericType<T> entityType, Annotation[] annotations) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean bufferEntity() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public Locale getLanguage() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public Set<String> getAllowedMethods() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, NewCookie> getCookies() {
      throw new UnsupportedOperationException();
    }

    @Override
    public EntityTag getEntityTag() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Date getDate() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Date getLastModified() {
      throw new UnsupportedOperationException();
    }

    @Override
    public URI getLocation() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<Link> getLinks() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasLink(String relation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Link getLink(String relation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Link.Builder getLinkBuilder(String relation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MultivaluedMap<String, String> getStringHeaders() {
      throw new UnsupportedOperationException();
    }
  }
}
