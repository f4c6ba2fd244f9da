package org.careledger.interfaces.rest;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("/api")
@DeclareRoles({"clinician", "patient", "auditor", "admin", "his-system"})
public class CareLedgerApplication extends Application {}
