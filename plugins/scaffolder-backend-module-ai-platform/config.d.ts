export interface Config {
  /** Configuration of the AI Platform plugin suite. */
  aiPlatform?: {
    /** Where the `ai-platform:gitops:commit` scaffolder action commits rendered files. */
    gitops?: {
      /**
       * URL or local path of the GitOps repository. A local path that does not exist yet is
       * created as an empty bare repository on the first commit. Relative paths resolve
       * against the backend's working directory.
       * Examples: `/srv/backstage/.data/gitops.git`, `https://git.example.com/platform/gitops.git`.
       */
      repository: string;
      /**
       * Branch the action commits to; created when it does not exist yet.
       * Defaults to `main`.
       */
      branch?: string;
      /**
       * Name of the commit author and committer.
       * Defaults to `AI Platform`.
       */
      authorName?: string;
      /**
       * Email of the commit author and committer.
       * Defaults to `ai-platform@backstage.local`.
       */
      authorEmail?: string;
      /**
       * Token for an HTTPS remote, sent as the password (user `x-access-token`) through
       * `GIT_ASKPASS`; never placed in the URL, the command line or the logs.
       * @visibility secret
       */
      token?: string;
    };
  };
}
