package org.careledger.application.internal;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.EJB;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.careledger.application.DatabaseOutage;
import org.careledger.application.RecordService;
import org.careledger.application.console.ConsoleService.VerificationView;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * Runs a whole-chain verification (chain from genesis, then the stored documents) in the background
 * for the console, recording progress in its {@link Job}. Asynchronous EJB methods run as their
 * caller, so the run is checked against the caller's roles like {@code POST …/verify}.
 */
@Stateless
@LocalBean
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@RolesAllowed({"admin", "auditor"})
public class VerificationRunner {

  private static final Logger LOG = Logger.getLogger(VerificationRunner.class.getName());

  @EJB private RecordService records;

  /** One run's state, shared between the runner and the console's polls. */
  public static final class Job {
    final String id;
    final String channel;
    final long total;
    final Instant startedAt;
    final AtomicLong done = new AtomicLong();
    private volatile Instant finishedAt;
    private volatile ChainVerifier.Report report;
    private volatile String errorCode;
    private volatile String errorDetail;

    Job(String id, String channel, long total, Instant startedAt) {
      this.id = id;
      this.channel = channel;
      this.total = total;
      this.startedAt = startedAt;
    }

    VerificationView view() {
      Instant finished = finishedAt;
      return new VerificationView(
          id,
          channel,
          finished == null ? "running" : "done",
          total,
          Math.min(done.get(), total),
          startedAt,
          finished,
          report,
          errorCode,
          errorDetail);
    }
  }

  @Asynchronous
  public void run(Job job) {
    try {
      job.report = records.verifyWithDocuments(job.channel, job.done::set);
    } catch (RuntimeException e) {
      if (DatabaseOutage.in(e)) {
        databaseUnreachable(job, e);
      } else if (CareLedgerException.in(e) != null) {
        // Coded by the record service, and wrapped in an EJBException on the way here.
        CareLedgerException coded = CareLedgerException.in(e);
        job.errorCode = coded.errorCode().code();
        job.errorDetail = coded.getMessage();
      } else {
        LOG.log(Level.WARNING, "verification " + job.id + " of " + job.channel + " failed", e);
        job.errorCode = org.careledger.domain.ErrorCode.INTERNAL_ERROR.code();
        job.errorDetail = "verification failed; see the server log";
      }
    } finally {
      job.finishedAt = Instant.now();
    }
  }

  /** A database outage ends the run with CL-1008 (not CL-1999), logged as one line. */
  private static void databaseUnreachable(Job job, RuntimeException e) {
    LOG.warning(
        "verification "
            + job.id
            + " of "
            + job.channel
            + " stopped: CL-1008 database unreachable ("
            + DatabaseOutage.signal(e).orElseThrow()
            + ")");
    job.errorCode = org.careledger.domain.ErrorCode.DATABASE_UNREACHABLE.code();
    job.errorDetail =
        org.careledger.domain.ErrorCode.DATABASE_UNREACHABLE.code() + ": " + DatabaseOutage.DETAIL;
  }
}
