package org.careledger.domain.consensus;

import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * The channel's own rules for a proposed block (sharing policies and the like), checked by every
 * member before it prepares, after the engine's structural checks ({@link BlockChecks}) passed.
 * Must be deterministic: every honest member must reach the same verdict from the same parent and
 * block, so it may read only the committed chain and the block itself, never a clock or local
 * configuration that differs between members.
 */
@FunctionalInterface
public interface BlockValidator {

  /** Accepts every block the structural checks accept. */
  BlockValidator STRUCTURAL_ONLY = (parent, block) -> {};

  /**
   * Throws a {@link org.careledger.domain.CareLedgerException} naming the broken rule, or returns.
   */
  void validate(BlockHeader parent, ProposedBlock block);

  /**
   * Whether a transaction may enter the pending pool, judged against the committed chain alone;
   * throws a {@link org.careledger.domain.CareLedgerException} naming the broken rule. A proposer
   * also leaves out of its block what {@link #validate} would refuse, so a transaction that breaks
   * a rule can neither commit nor stall the channel.
   */
  default void admit(SignedTransaction transaction) {}

  /** This validator's rules, then {@code next}'s: a block or transaction must pass both. */
  default BlockValidator andThen(BlockValidator next) {
    BlockValidator first = this;
    return new BlockValidator() {
      @Override
      public void validate(BlockHeader parent, ProposedBlock block) {
        first.validate(parent, block);
        next.validate(parent, block);
      }

      @Override
      public void admit(SignedTransaction transaction) {
        first.admit(transaction);
        next.admit(transaction);
      }
    };
  }
}
