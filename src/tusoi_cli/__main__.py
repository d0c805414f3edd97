from tusoi_cli.cli import main

main()
