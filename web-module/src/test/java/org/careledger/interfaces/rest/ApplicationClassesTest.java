package org.careledger.interfaces.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.careledger.interfaces.fhir.FhirApplication;
import org.junit.jupiter.api.Test;

/**
 * The WAR holds two JAX-RS applications, each listing its classes (so that neither takes the
 * other's resources or error mappers): a resource or provider added to a package but not to its
 * application's list would silently not exist. This finds every {@code @Path} and {@code @Provider}
 * class in the compiled packages and checks that exactly its own application lists it.
 */
class ApplicationClassesTest {

  @Test
  void theApiApplicationListsEveryResourceAndProviderOfTheRestPackages() throws Exception {
    Set<Class<?>> found = annotatedClassesUnder("org/careledger/interfaces/rest");
    assertThat(found).hasSizeGreaterThan(10);
    assertThat(new CareLedgerApplication().getClasses()).containsExactlyInAnyOrderElementsOf(found);
  }

  @Test
  void theFhirApplicationListsEveryResourceAndProviderOfTheFhirPackage() throws Exception {
    Set<Class<?>> found = annotatedClassesUnder("org/careledger/interfaces/fhir");
    assertThat(found).isNotEmpty();
    assertThat(new FhirApplication().getClasses()).containsExactlyInAnyOrderElementsOf(found);
  }

  private static Set<Class<?>> annotatedClassesUnder(String packagePath)
      throws IOException, URISyntaxException {
    java.nio.file.Path root =
        Paths.get(
            CareLedgerApplication.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    try (Stream<java.nio.file.Path> files = Files.walk(root.resolve(packagePath))) {
      return files
          .filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$"))
          .map(f -> root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
          .map(ApplicationClassesTest::load)
          .filter(c -> c.isAnnotationPresent(Path.class) || c.isAnnotationPresent(Provider.class))
          .collect(Collectors.toSet());
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ApplicationClassesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
