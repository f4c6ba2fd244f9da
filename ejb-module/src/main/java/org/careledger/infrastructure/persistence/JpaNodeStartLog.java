package org.careledger.infrastructure.persistence;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import org.careledger.application.NodeStart;
import org.careledger.application.NodeStartLog;
import org.careledger.persistence.node.NodeStartEntity;

@Stateless
public class JpaNodeStartLog implements NodeStartLog {

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  @Override
  public void record(NodeStart start) {
    em.persist(
        new NodeStartEntity(
            start.institutionId(), start.signingFingerprint(), start.version(), start.startedAt()));
  }

  @Override
  public List<NodeStart> latest(int limit) {
    return em
        .createNamedQuery(NodeStartEntity.FIND_LATEST, NodeStartEntity.class)
        .setMaxResults(Math.max(1, Math.min(limit, 1000)))
        .getResultList()
        .stream()
        .map(
            e ->
                new NodeStart(
                    e.getInstitutionId(),
                    e.getSigningFingerprint(),
                    e.getCareLedgerVersion(),
                    e.getStartedAt()))
        .toList();
  }
}
