/*
 * Approvals and the audit trail (issue 14).
 *
 * ai_platform_approvals: one row per golden-path change that needed approval.
 * The change waits on a proposal branch of the GitOps repository until an
 * approver who is not the requester merges it (approved) or closes it
 * (rejected).
 *
 * ai_platform_audit_events: who did what to which entity (plan, commit,
 * apply, approval requested, approved, rejected), with the decision and its
 * reasons; kept per the entity's risk tier (aiPlatform.governance.retention).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_approvals', table => {
    table.comment('Golden-path changes waiting on or decided by an approver');
    table.string('id', 64).primary().comment('Proposal id (uuid)');
    table.string('entity_ref', 255).notNullable().comment('Lower-case ref');
    table.string('requester', 255).notNullable().comment('User entity ref');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, approved or rejected');
    table.text('repository').notNullable().comment('GitOps repository');
    table.string('branch', 255).notNullable().comment('The synced branch');
    table
      .string('proposal_branch', 255)
      .notNullable()
      .comment('Branch holding the proposed change');
    table.text('target_path').notNullable().comment('Folder changed');
    table.string('commit_id', 64).notNullable().comment('Head of the proposal');
    table.text('summary').notNullable().comment('Plan summary');
    table.text('reasons').notNullable().comment('JSON array of strings');
    table.text('policy_results').notNullable().comment('JSON array');
    table.text('diff').notNullable().comment('Unified diff of the proposal');
    table.string('risk_tier', 32).nullable().comment('Entity risk tier');
    table.string('task_id', 64).nullable().comment('Scaffolder task');
    table.bigInteger('created_at').notNullable().comment('epoch ms');
    table.string('decided_by', 255).nullable().comment('User entity ref');
    table.bigInteger('decided_at').nullable().comment('epoch ms');
    table.text('decision_reason').nullable().comment('Reason of a rejection');
    table
      .string('merge_commit_id', 64)
      .nullable()
      .comment('Commit on the synced branch after approval');
    table.index(['status', 'created_at'], 'ai_platform_approvals_status_idx');
    table.index(['requester'], 'ai_platform_approvals_requester_idx');
    table.index(['entity_ref'], 'ai_platform_approvals_entity_idx');
  });

  await knex.schema.createTable('ai_platform_audit_events', table => {
    table.comment('Audit trail of governance-relevant actions per entity');
    table.string('id', 64).primary().comment('uuid');
    table.bigInteger('occurred_at').notNullable().comment('epoch ms');
    table.string('action', 64).notNullable().comment('e.g. commit, approve');
    table.string('actor', 255).notNullable().comment('User or service ref');
    table.string('entity_ref', 255).notNullable().comment('Lower-case ref');
    table.string('decision', 32).nullable().comment('e.g. approved');
    table.text('reasons').notNullable().comment('JSON array of strings');
    table.text('details').notNullable().comment('JSON object');
    table.string('risk_tier', 32).nullable().comment('Entity risk tier');
    table.index(
      ['entity_ref', 'occurred_at'],
      'ai_platform_audit_events_entity_idx',
    );
    table.index(
      ['risk_tier', 'occurred_at'],
      'ai_platform_audit_events_retention_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_audit_events');
  await knex.schema.dropTable('ai_platform_approvals');
};
