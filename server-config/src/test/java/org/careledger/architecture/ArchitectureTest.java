package org.careledger.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of ARCHITECTURE.md, over the classes of every module: the domain is plain
 * Java, and dependencies point down the module table only (persistence, then ejb-module, then
 * web-module).
 */
@AnalyzeClasses(
    packages = "org.careledger",
    importOptions = {
      ImportOption.DoNotIncludeTests.class,
      ArchitectureTest.DoNotIncludeTestJars.class
    })
class ArchitectureTest {

  /** Test fixtures shared as test-jars (ejb-module's protocol suite) are not production code. */
  static final class DoNotIncludeTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar");
    }
  }

  @ArchTest
  static final ArchRule domainIsPlainJava =
      noClasses()
          .that()
          .resideInAPackage("org.careledger.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "jakarta..",
              "javax.ejb..",
              "javax.persistence..",
              "org.jboss..",
              "org.wildfly..",
              "org.eclipse.microprofile..",
              "org.flywaydb..");

  @ArchTest
  static final ArchRule domainDependsOnNoOuterLayer =
      noClasses()
          .that()
          .resideInAPackage("org.careledger.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.careledger.application..",
              "org.careledger.infrastructure..",
              "org.careledger.interfaces..",
              "org.careledger.persistence..");

  @ArchTest
  static final ArchRule persistenceDependsOnNoHigherModule =
      noClasses()
          .that()
          .resideInAPackage("org.careledger.persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.careledger.domain..",
              "org.careledger.application..",
              "org.careledger.infrastructure..",
              "org.careledger.interfaces..");

  @ArchTest
  static final ArchRule ejbModuleDependsNotOnWebModule =
      noClasses()
          .that()
          .resideInAnyPackage(
              "org.careledger.domain..",
              "org.careledger.application..",
              "org.careledger.infrastructure..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.careledger.interfaces..");

  @ArchTest
  static final ArchRule restResourcesDoNotTouchEntities =
      noClasses()
          .that()
          .resideInAPackage("org.careledger.interfaces..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.careledger.persistence..", "jakarta.persistence..");
}
