"""``python -m embedlab`` runs the command-line interface."""

if __name__ == "__main__":
    from embedlab.cli.entry import main

    main()
