export { openStore, type OpenStoreOptions } from './open-store.ts';
export { transactionScopedStore } from './scoped.ts';
export { tablesOf, type AnyDatabase, type AnyTransaction, type Database, type Store, type StoreConfig, type StoreKind } from './store.ts';
export { assertMigrated, type Migration, type MigrationReport, type MigrationResult, type ModuleMigrations } from './migrations.ts';
export { isPreparedText, preparedStatement, type Build, type Param, type PreparedStatement } from './prepared.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
