package org.careledger.interfaces.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

class EjbExceptionMapperTest {

  private static final CareLedgerException BAD_PATIENT =
      new CareLedgerException(ErrorCode.PATIENT_ID_INVALID, "a patient id is ...");

  /** What a bean called inside the caller's transaction throws: the case that was a bare 500. */
  @Test
  void findsTheCodedFailureInsideARolledBackNestedCall() {
    EJBTransactionRolledbackException nested =
        new EJBTransactionRolledbackException(
            BAD_PATIENT.getMessage(), new EJBException(BAD_PATIENT));

    assertThat(EjbExceptionMapper.coded(nested)).isSameAs(BAD_PATIENT);
    assertThat(EjbExceptionMapper.coded(new EJBException(BAD_PATIENT))).isSameAs(BAD_PATIENT);
  }

  @Test
  void anUncodedFailureStaysUncoded() {
    assertThat(EjbExceptionMapper.coded(new EJBException(new IllegalStateException("x")))).isNull();
    assertThat(EjbExceptionMapper.coded(new EJBException("no cause"))).isNull();
  }

  @Test
  void aRefusalByTheServicesOwnRoleCheckIsAnsweredWithItsCodeAnd403() {
    CareLedgerException coded = EjbExceptionMapper.coded(new jakarta.ejb.EJBAccessException("no"));

    assertThat(coded.errorCode()).isEqualTo(ErrorCode.ROLE_REQUIRED);
    assertThat(CareLedgerExceptionMapper.statusOf(coded.errorCode()).getStatusCode())
        .isEqualTo(403);
  }

  @Test
  void theAmendmentRefusalsAnswerWithTheirStatuses() {
    assertThat(
            CareLedgerExceptionMapper.statusOf(ErrorCode.RECORD_VERSION_CONFLICT).getStatusCode())
        .isEqualTo(409);
    assertThat(CareLedgerExceptionMapper.statusOf(ErrorCode.NOT_RECORD_PROVIDER).getStatusCode())
        .isEqualTo(403);
    assertThat(CareLedgerExceptionMapper.statusOf(ErrorCode.RECORD_ERASED).getStatusCode())
        .isEqualTo(410);
    assertThat(ErrorCode.RECORD_VERSION_CONFLICT.code()).isEqualTo("CL-1722");
  }
}
