export { EntityAuditHistoryCard } from './AuditHistoryCard';
