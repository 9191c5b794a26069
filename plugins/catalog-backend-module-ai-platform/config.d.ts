export interface Config {
  /** Configuration of the AI Platform plugin suite. */
  aiPlatform?: {
    /**
     * The platform's GitOps repository (`repository`, `branch` and `token` are declared by the
     * scaffolder module). When `repository` is set, the catalog reads every `catalog-info.yaml`
     * in it.
     */
    gitops?: {
      /** How the catalog keeps in sync with the GitOps repository. */
      catalogSync?: {
        /**
         * How often the branch head is checked, in seconds. The files are only read when the
         * head moved. Defaults to 15.
         */
        frequencySeconds?: number;
        /**
         * Web address of a commit with `{commit}` in place of its id, e.g.
         * `https://github.com/acme/gitops/commit/{commit}`. When set, each entity read from the
         * repository gets a link to the commit that last changed its file.
         */
        commitUrlTemplate?: string;
      };
    };
  };
}
