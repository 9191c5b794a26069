/*
 * What the owners were last told about each scorecard check: one row per
 * (entity, check) with the status of the last notification (`fail` or
 * `recovered`) and when it was sent (epoch ms). The scorecard notifier
 * compares each new result with it, so every change is notified once, and
 * applies the cooldown from `notified_at`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_notification_state', table => {
    table.comment('Last scorecard notification per entity and check');
    table.string('entity_ref', 255).notNullable().comment('Lower case');
    table.string('check_id', 255).notNullable();
    table
      .string('notified_status', 16)
      .notNullable()
      .comment("'fail' or 'recovered'");
    table.bigInteger('notified_at').notNullable().comment('Epoch ms');
    table.primary(['entity_ref', 'check_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_notification_state');
};
